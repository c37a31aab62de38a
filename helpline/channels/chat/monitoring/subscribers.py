"""Push visitor monitoring to browsers: page views and departures to the account's visitors list, an agent's
invitation to that visitor's widget sockets only."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.monitoring.models import Invitation, Visit
from helpline.channels.chat.protocol import agent_name
from helpline.realtime.groups import chat_visitor, visitors_of


def _push_visit(row: dict, event_name: str) -> None:
    payload = {
        "type": "visitors.event",
        "event": event_name,
        "visit": row["public_id"],
        "url": row["current_url"],
        "title": row["current_title"],
    }
    async_to_sync(get_channel_layer().group_send)(visitors_of(row["account__public_id"]), payload)


_ROW = ("public_id", "current_url", "current_title", "account__public_id")


def push_visit_to_agents(event) -> None:
    """VisitorPageViewed / VisitorLeft: the visitors lists of the account re-fetch that visitor's row."""
    row = Visit.objects.filter(pk=event.visit_id).values(*_ROW).first()
    if row is not None:
        _push_visit(row, event.name)


def push_visitor_chat_to_agents(event) -> None:
    """A chat started or ended: the visitor's row shows it."""
    session = ChatSession.objects.filter(pk=event.session_id).values("account_id", "visitor_id").first()
    if session is None:
        return
    row = (
        Visit.objects.filter(account_id=session["account_id"], visitor_id=session["visitor_id"])
        .order_by("-number")
        .values(*_ROW)
        .first()
    )
    if row is not None:
        _push_visit(row, "visitor.chat")


def push_invitation_to_visitor(event) -> None:
    invitation = Invitation.objects.select_related("agent", "visit", "account").filter(pk=event.invitation_id).first()
    if invitation is None:
        return
    payload = {
        "type": "visitor.invite",
        "invitation": invitation.public_id,
        "message": invitation.message,
        "agent": agent_name(invitation.agent),
    }
    group = chat_visitor(invitation.account.public_id, invitation.visit.visitor_id)
    async_to_sync(get_channel_layer().group_send)(group, payload)
