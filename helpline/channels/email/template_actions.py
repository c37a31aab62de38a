"""Customer email templates from the settings screen: save an account's own text, or reset to the built-in one."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.channels.email import templates
from helpline.channels.email.models import EmailTemplate
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError, NotFound
from helpline.security import audit

SUBJECT_MAX = EmailTemplate._meta.get_field("subject").max_length


def ensure_known(kind: str, locale: str) -> None:
    """A template is one of the listed kinds in one of the installed languages."""
    if kind not in dict(EmailTemplate.KIND_CHOICES) or locale not in dict(settings.LANGUAGES):
        raise NotFound(_("No such email template."))


def check_template(kind: str, *, subject: str, body_html: str, body_text: str) -> None:
    """Raise DomainError with the reason an admin's template cannot be used (syntax, missing parts, length)."""
    if len(subject.strip()) > SUBJECT_MAX:
        raise DomainError(_("The subject may be at most %(max)d characters long.") % {"max": SUBJECT_MAX})
    templates.validate(kind, subject=subject, body_html=body_html, body_text=body_text)


@transaction.atomic
def save_email_template(
    *,
    account,
    kind: str,
    locale: str,
    subject: str,
    body_html: str,
    body_text: str,
    is_active: bool,
    actor: Actor = SYSTEM,
) -> EmailTemplate:
    """The account's own text for this kind and language; it replaces the built-in one when mail is sent."""
    ensure_known(kind, locale)
    check_template(kind, subject=subject, body_html=body_html, body_text=body_text)
    template, created = EmailTemplate.objects.update_or_create(
        account=account,
        kind=kind,
        locale=locale,
        defaults={"subject": subject.strip(), "body_html": body_html, "body_text": body_text, "is_active": is_active},
    )
    audit.record(
        account=account,
        actor=actor,
        action="email_template.created" if created else "email_template.updated",
        subject=account,  # a template has no public id of its own: kind and locale name it
        data={"kind": kind, "locale": locale, "is_active": is_active},
    )
    return template


@transaction.atomic
def reset_email_template(*, account, kind: str, locale: str, actor: Actor = SYSTEM) -> bool:
    """Back to the built-in text (and its default on/off); False when the account had no text of its own."""
    ensure_known(kind, locale)
    deleted, _rows = EmailTemplate.objects.filter(account=account, kind=kind, locale=locale).delete()
    if not deleted:
        return False
    audit.record(
        account=account,
        actor=actor,
        action="email_template.reset",
        subject=account,
        data={"kind": kind, "locale": locale},
    )
    return True
