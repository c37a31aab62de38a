"""Account-scoped reads of mailboxes and customer email templates: never another account's rows."""

from __future__ import annotations

from django.db.models import Prefetch

from helpline.channels.email.models import AcceptedDomain, EmailTemplate, Mailbox


def list_mailboxes(account) -> list[Mailbox]:
    """Every mailbox of the account with its brand, department and accepted domains, in a fixed number of queries."""
    domains = Prefetch("domains", queryset=AcceptedDomain.objects.order_by("domain"))
    return list(
        Mailbox.objects.filter(account=account)
        .select_related("brand", "department")
        .prefetch_related(domains)
        .order_by("-is_active", "address")
    )


def get_mailbox(account, public_id: str) -> Mailbox | None:
    return (
        Mailbox.objects.filter(account=account, public_id=public_id)
        .select_related("account", "brand", "department")
        .prefetch_related(Prefetch("domains", queryset=AcceptedDomain.objects.order_by("domain")))
        .first()
    )


def count_mailboxes(account) -> int:
    return Mailbox.objects.filter(account=account).count()


def list_email_templates(account) -> dict[tuple[str, str], EmailTemplate]:
    """The account's own templates by (kind, locale); a missing pair means the built-in default is used."""
    return {(t.kind, t.locale): t for t in EmailTemplate.objects.filter(account=account)}


def get_email_template(account, kind: str, locale: str) -> EmailTemplate | None:
    return EmailTemplate.objects.filter(account=account, kind=kind, locale=locale).first()
