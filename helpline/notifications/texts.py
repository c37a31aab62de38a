"""Notification texts and links, built when shown, in the reader's language."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from helpline.notifications import kinds


def language_of(user, account) -> str:
    return user.locale or getattr(account, "locale", "") or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user, account):
    with translation.override(language_of(user, account)):
        yield


def text_of(item) -> str:
    """``item``: a Notification or a PendingEmail with ticket (and its contact), actor and department loaded."""
    ticket = item.ticket
    return kinds.text(
        kind=item.kind,
        code=ticket.code,
        subject=ticket.subject,
        actor=item.actor.display_name if item.actor_id else "",
        department=item.department.name if item.department_id else "",
        customer=ticket.contact.display_name if item.kind == kinds.CUSTOMER_REPLIED else "",
    )


def ticket_path(ticket) -> str:
    return reverse("web:ticket", kwargs={"public_id": ticket.public_id})


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"
