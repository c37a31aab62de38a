"""/notifications: the notification centre of the agent an API key belongs to (the agent who created it in
Settings → API keys). A key without an agent (``helpline apikey create``) gets a 403 that says so."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from helpline.api.auth import account_of
from helpline.api.errors import FieldError
from helpline.api.schemas.common import responses, text
from helpline.core.errors import NotFound, PermissionDenied
from helpline.notifications import actions, selectors, texts

router = Router(tags=["notifications"])


class NotificationTicket(Schema):
    id: str
    code: str
    subject: str


class NotificationOut(Schema):
    id: str
    kind: str
    text: str
    ticket: NotificationTicket
    actor: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class NotificationQuery(Schema):
    unread: bool = Field(False, description="Only notifications not read yet.")
    cursor: text(32) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200)


class MarkedAll(Schema):
    marked: int
    unread: int


def _membership(request):
    """The active membership of the key's agent; 403 for a key no agent owns."""
    from helpline.tenancy.models import Membership

    key = request.auth
    membership = None
    if key.created_by_id:
        membership = (
            Membership.objects.filter(account_id=key.account_id, user_id=key.created_by_id, is_active=True)
            .select_related("user", "account", "custom_role")
            .first()
        )
    if membership is None:
        raise PermissionDenied(
            _(
                "Notifications belong to an agent, and this API key belongs to none. Use a key an agent created in "
                "Settings → API keys."
            )  # fmt: skip
        )
    return membership


def _out(notification, membership) -> dict:
    with texts.in_language_of(membership.user, membership.account):
        shown = texts.text_of(notification)
    ticket = notification.ticket
    return {
        "id": notification.public_id,
        "kind": notification.kind,
        "text": shown,
        "ticket": {"id": ticket.public_id, "code": ticket.code, "subject": ticket.subject},
        "actor": notification.actor.public_id if notification.actor_id else None,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get("/notifications", response=responses({200: NotificationPage}, 403), summary="List my notifications")
def list_notifications(request, params: Query[NotificationQuery]):
    """Newest first, for the agent who owns the key; only tickets that agent may still see."""
    membership = _membership(request)
    before_id = None
    if params.cursor:
        before_id = selectors.id_of(membership.account_id, membership.user_id, params.cursor)
        if before_id is None:
            raise FieldError("cursor", _("The cursor is not valid; start again from the first page."), location="query")
    rows = selectors.list_notifications(
        membership, before_id=before_id, unread_only=params.unread, limit=params.limit + 1
    )
    items = rows[: params.limit]
    return {
        "items": [_out(n, membership) for n in items],
        "next_cursor": items[-1].public_id if len(rows) > params.limit else None,
        "unread": selectors.unread_count(membership.account_id, membership.user_id),
    }


@router.post(
    "/notifications/read-all", response=responses({200: MarkedAll}, 403), summary="Mark all my notifications read"
)
def mark_all_notifications_read(request):
    membership = _membership(request)
    marked = actions.mark_all_read(account=account_of(request), user=membership.user)
    return {"marked": marked, "unread": selectors.unread_count(membership.account_id, membership.user_id)}


@router.post(
    "/notifications/{id}/read", response=responses({200: NotificationOut}, 403), summary="Mark a notification read"
)
def mark_notification_read(request, id: str):  # noqa: A002 - the path parameter's published name
    membership = _membership(request)
    if selectors.get_notification(membership, id[:32]) is None:
        raise NotFound(_("No such notification."))
    actions.mark_read(account=account_of(request), user=membership.user, public_id=id[:32])
    return _out(selectors.get_notification(membership, id[:32]), membership)
