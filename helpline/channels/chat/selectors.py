"""Reads of the chat channel, always scoped: a widget key reaches its own button, an agent their own account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.channels.chat.models import ChatButton, ChatLine, ChatSession
from helpline.core.errors import NotFound

REPLAY_LIMIT = 500


def get_button_by_key(key: str) -> ChatButton | None:
    """The active button behind a widget key (the key is the only thing a host page knows)."""
    if not key or len(key) > 32:
        return None
    return ChatButton.objects.select_related("account", "brand", "department").filter(key=key, is_active=True).first()


def list_chat_buttons(account) -> list[ChatButton]:
    return list(ChatButton.objects.filter(account=account).select_related("brand", "department"))


def get_chat_button(account, public_id: str) -> ChatButton | None:
    """One of the account's buttons (active or not), for the settings screen."""
    return ChatButton.objects.filter(account=account, public_id=public_id).select_related("account").first()


def get_visitor_session(button: ChatButton, visitor_id: str) -> ChatSession | None:
    """The visitor's latest chat through this button (open or ended): what the widget shows after a reload."""
    return (
        ChatSession.objects.filter(button=button, visitor_id=visitor_id)
        .select_related("ticket", "agent", "button", "account")
        .order_by("-id")
        .first()
    )


def access_chat(account, public_id: str) -> ChatSession:
    session = (
        ChatSession.objects.filter(account=account, public_id=public_id)
        .select_related("ticket", "agent", "contact", "button", "account")
        .first()
    )
    if session is None:
        raise NotFound(_("No such chat."))
    return session


def lines_after(session: ChatSession, seq: int, *, limit: int = REPLAY_LIMIT) -> list[ChatLine]:
    """The lines a socket missed, in order: what a reconnect replays."""
    return list(
        ChatLine.objects.filter(session=session, seq__gt=max(seq, 0))
        .select_related("session", "message__author_user", "message__author_contact")
        .prefetch_related("message__attachments")
        .order_by("seq")[:limit]
    )


def list_waiting_chats(account) -> list[ChatSession]:
    return list(
        ChatSession.objects.filter(account=account, state=ChatSession.WAITING)
        .select_related("contact", "button", "ticket")
        .order_by("id")[:50]
    )


def list_agent_chats(account, user) -> list[ChatSession]:
    """The agent's running chats (and ones that ended in the last hour, so a tab does not vanish mid-sentence)."""
    from datetime import timedelta

    from django.db.models import Q

    from helpline.core import clock

    recent = clock.now() - timedelta(hours=1)
    return list(
        ChatSession.objects.filter(account=account, agent=user)
        .filter(Q(state=ChatSession.ACTIVE) | Q(state=ChatSession.ENDED, ended_at__gte=recent))
        .select_related("contact", "button", "ticket", "agent")
        .order_by("id")[:20]
    )


def list_incoming_chats(account, user) -> list[tuple[ChatSession, bool]]:
    """Chats waiting for an agent, as (session, ringing for this agent). With routing, a chat rings only the
    agents routing chose; the others see it waiting in the queue. Without routing, every waiting chat rings."""
    from helpline.channels.chat import routing_bridge

    waiting = list_waiting_chats(account)
    if not routing_bridge.routing_available():
        return [(session, True) for session in waiting]
    ringing = {request.public_id for request in routing_bridge.list_ringing_for(account, user)}
    return [(session, session.request_id in ringing) for session in waiting]


def list_past_tickets(contact, *, viewer: int | None, exclude_ticket_id=None, limit: int = 10):
    """The contact's latest tickets that ``viewer`` (conversations.visibility.restricted_user_id; None: every
    ticket) may see."""
    from helpline.conversations.models import Ticket
    from helpline.conversations.visibility import visible_q

    tickets = Ticket.objects.filter(
        visible_q(contact.account_id, viewer), account_id=contact.account_id, contact=contact
    )
    tickets = tickets.order_by("-last_activity_at", "-id")
    if exclude_ticket_id:
        tickets = tickets.exclude(pk=exclude_ticket_id)
    return list(tickets[:limit])


def get_chat_attachment(attachment_public_id: str, session_public_id: str):
    """A file of one chat (named by a signed visitor link): the attachment must belong to a line of that chat."""
    from helpline.conversations.models import Attachment

    return (
        Attachment.objects.filter(
            public_id=attachment_public_id,
            message__chat_line__session__public_id=session_public_id,
            message__chat_line__session__button__is_active=True,
        )
        .select_related("message")
        .first()
    )
