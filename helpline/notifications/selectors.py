"""Reading an agent's notifications: newest first, keyset-paginated on id, only tickets the agent may still see."""

from __future__ import annotations

from helpline.conversations.visibility import restricted_user_id, visible_q
from helpline.notifications.models import Notification

PAGE_SIZE = 20


def unread_count(account_id: int, user_id: int) -> int:
    return Notification.objects.filter(account_id=account_id, recipient_id=user_id, read_at=None).count()


def _visible(membership):
    rows = Notification.objects.filter(account_id=membership.account_id, recipient_id=membership.user_id)
    return rows.filter(visible_q(membership.account_id, restricted_user_id(membership), via="ticket__"))


def get_notification(membership, public_id: str) -> Notification | None:
    """One of the agent's notifications, about a ticket they may still see."""
    rows = _visible(membership).filter(public_id=public_id)
    return rows.select_related("ticket__contact", "actor", "department").first()


def list_notifications(membership, *, before_id: int | None = None, unread_only: bool = False, limit: int = PAGE_SIZE):
    """Up to ``limit`` notifications of the membership's agent, newest first, older than ``before_id``."""
    rows = _visible(membership)
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    if unread_only:
        rows = rows.filter(read_at=None)
    return list(rows.select_related("ticket__contact", "actor", "department").order_by("-id")[:limit])


def id_of(account_id: int, user_id: int, public_id: str) -> int | None:
    """The internal id behind a cursor (a notification's public id) of this agent's list."""
    return (
        Notification.objects.filter(account_id=account_id, recipient_id=user_id, public_id=public_id)
        .values_list("pk", flat=True)
        .first()
    )
