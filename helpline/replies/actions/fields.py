"""Checks both kinds share: name, text with known placeholders, and a valid scope (owner or department)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.replies.models import Scope
from helpline.replies.placeholders import unknown_placeholders
from helpline.tenancy.models import Membership

MAX_NAME = 100
MAX_BODY = 20_000


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give it a name."))
    if len(name) > MAX_NAME:
        raise DomainError(_("The name is too long (at most %(max)d characters).") % {"max": MAX_NAME})
    return name


def clean_body(account, body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("The text is empty."))
    if len(body) > MAX_BODY or "\x00" in body:
        raise DomainError(_("The text is too long (at most %(max)d characters).") % {"max": MAX_BODY})
    unknown = unknown_placeholders(account, body)
    if unknown:
        raise DomainError(
            _("Unknown placeholder: %(names)s. Known ones are {{ contact.name }}, {{ contact.email }}, "
              "{{ agent.name }}, {{ ticket.code }}, {{ ticket.subject }} and {{ ticket.fields.<key> }}.")
            % {"names": ", ".join("{{ " + name + " }}" for name in unknown)}
        )  # fmt: skip
    return body


def clean_scope(*, account, scope: str, owner, department) -> tuple:
    """(owner, department) to store: a personal item needs an active member, a department one a department."""
    if scope not in Scope.values:
        raise DomainError(_("Choose personal, department or shared."))
    if scope == Scope.PERSONAL:
        if owner is None or not Membership.objects.filter(account=account, user=owner, is_active=True).exists():
            raise DomainError(_("A personal item needs an agent of this account as its owner."))
        return owner, None
    if scope == Scope.DEPARTMENT:
        if department is None or department.account_id != account.pk:
            raise DomainError(_("Choose a department of this account."))
        return None, department
    return None, None
