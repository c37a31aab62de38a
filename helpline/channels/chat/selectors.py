"""Reads of the chat channel, always scoped: a widget key reaches its own button, an agent their own account."""

from __future__ import annotations

import time

from django.utils.translation import gettext as _

from helpline.channels.chat.models import ChatButton, ChatLine, ChatSession
from helpline.core.errors import NotFound

REPLAY_LIMIT = 500


def get_button_by_key(key: str) -> ChatButton | None:
    """The active button behind a widget key (the key is the only thing a host page knows)."""
    if not key or len(key) > 32:
        return None
    return ChatButton.objects.select_related("account", "brand", "department").filter(key=key, is_active=True).first()


# The buttons behind this process's widget sockets: 10,000 idle sockets of one site share one ChatButton (with its
# account, brand and department) instead of loading one each. A change in this process forgets it at once
# (actions.buttons); one made on another node reaches new sockets within SOCKET_BUTTON_SECONDS.
SOCKET_BUTTON_SECONDS = 30
_socket_buttons: dict[str, tuple[float, ChatButton | None]] = {}


def get_socket_button(key: str) -> ChatButton | None:
    """get_button_by_key, shared by the sockets of this process for a few seconds (read-only: never save it)."""
    now = time.monotonic()
    found = _socket_buttons.get(key)
    if found is not None and found[0] > now:
        return found[1]
    button = get_button_by_key(key)
    if button is not None:
        if len(_socket_buttons) > 10_000:
            _socket_buttons.clear()
        _socket_buttons[key] = (now + SOCKET_BUTTON_SECONDS, button)
    return button


def forget_socket_button(key: str) -> None:
    _socket_buttons.pop(key, None)


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


def access_agent_chat(membership, public_id: str) -> ChatSession:
    """A chat of the membership's account the agent may open: any, with ``tickets.view_all``; else one whose ticket
    they may see (their departments, assigned to them), the chat they are in, or one ringing for them, transferred
    to them or they are invited into. Any other is "no such chat" (its existence is not told)."""
    from helpline.channels.chat import routing_bridge
    from helpline.conversations.visibility import can_see_ticket, restricted_user_id

    session = access_chat(membership.account, public_id)
    user_id = restricted_user_id(membership)
    if user_id is None or session.agent_id == user_id or can_see_ticket(membership, session.ticket):
        return session
    if routing_bridge.is_offered_to(session, membership.user):
        return session
    raise NotFound(_("No such chat."))


def lines_after(session: ChatSession, seq: int, *, limit: int = REPLAY_LIMIT) -> list[ChatLine]:
    """The lines a socket missed, in order: what a reconnect replays."""
    return list(
        ChatLine.objects.filter(session=session, seq__gt=max(seq, 0))
        .select_related("session", "message__author_user", "message__author_contact")
        .prefetch_related("message__attachments")
        .order_by("seq")[:limit]
    )


def list_waiting_chats(account, *, viewer: int | None = None, ticket_ids=None) -> list[ChatSession]:
    """The account's waiting chats (of tickets ``viewer`` may see; of ``ticket_ids`` only when given)."""
    from helpline.conversations.visibility import visible_q

    chats = ChatSession.objects.filter(visible_q(account.pk, viewer, via="ticket__"), account=account)
    if ticket_ids is not None:
        chats = chats.filter(ticket_id__in=ticket_ids)
    return list(
        chats.filter(state=ChatSession.WAITING).select_related("contact", "button", "ticket").order_by("id")[:50]
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


def list_incoming_chats(account, user, *, viewer: int | None = None) -> list[tuple[ChatSession, bool]]:
    """Chats waiting for an agent, as (session, ringing for this agent). With routing, a chat rings only the
    agents routing chose; the others see it waiting in the queue. Without routing, every waiting chat rings.

    ``viewer`` (conversations.visibility.restricted_user_id; None: every ticket): a restricted agent sees the
    waiting chats of tickets they may see, and those ringing for them."""
    from helpline.channels.chat import routing_bridge

    waiting = list_waiting_chats(account, viewer=viewer)
    if not routing_bridge.routing_available():
        return [(session, True) for session in waiting]
    ringing = routing_bridge.list_ringing_for(account, user)
    ringing_ids = {request.public_id for request in ringing}
    if viewer is not None and ringing:
        shown = {session.pk for session in waiting}
        waiting += [
            session
            for session in list_waiting_chats(account, ticket_ids=[request.ticket_id for request in ringing])
            if session.pk not in shown
        ]
        waiting.sort(key=lambda session: session.pk)
    return [(session, session.request_id in ringing_ids) for session in waiting]


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
