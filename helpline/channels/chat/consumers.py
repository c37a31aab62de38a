"""The chat sockets: the visitor's (``/ws/visitor/<key>/``, from the widget frame) and the agent console's
(``/ws/agent/chats/``). Thin: parse → access → action → send. Protocol (JSON, ``type`` field):

visitor → server: hello {visitor, last_seq} · message {cid, text} · typing {text} · read {seq} · end
                  · rate {rating: good|bad, comment} · transcript {email} · ping
agent → server:   open {chat, last_seq} · close {chat} · message {chat, cid, text} · typing {chat, active}
                  · read {chat, seq} · ping
server → both:    ack {cid, id, seq[, chat]} · line {line} · state {state} · typing · read
                  · error {cid, code, detail[, retry_after: seconds, with code rate_limited]}
server → agent:   presence {chat, visitor: connected|disconnected} · event {…} (ticket and routing events)

The visitor's socket counts for the visitor being there (actions.presence: a waiting chat whose visitor has been
gone for a minute is withdrawn), and its lines are rate limited (chat.limits).

Every line carries the conversation's sequence number; a socket that reconnects says the last one it saw and the
server replays the rest in order, so a line shows exactly once however the network behaves.
"""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _

from helpline.channels.chat import actions, limits, routing_bridge, selectors
from helpline.channels.chat.actions.messages import VisitorLine
from helpline.channels.chat.appearance import widget_language
from helpline.channels.chat.files import with_links
from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.monitoring.consumers import VisitorTracker, invitation_texts
from helpline.channels.chat.protocol import MAX_PREVIEW, VISITOR_ID, line_payload, state_payload
from helpline.channels.chat.routing_bridge import current_node
from helpline.channels.chat.writer import writer
from helpline.core.errors import DomainError
from helpline.realtime.groups import agents_of, chat_session, chat_visitor
from helpline.realtime.sockets import HelplineSocket
from helpline.realtime.ticket_scope import TicketScoped, visible_part
from helpline.security.client_ip import scope_ip

log = logging.getLogger(__name__)


def _error(exc: DomainError, **extra) -> dict:
    frame = {"type": "error", "code": exc.code, "detail": str(exc.message), **extra}
    if getattr(exc, "retry_after", None):
        frame["retry_after"] = exc.retry_after  # rate limited: when to try again
    return frame


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


@database_sync_to_async
def _replay(session: ChatSession, last_seq: int) -> list[dict]:
    return [line_payload(line) for line in selectors.lines_after(session, last_seq)]


@database_sync_to_async
def _state(session: ChatSession) -> dict:
    session = ChatSession.objects.select_related("agent").get(pk=session.pk)
    return state_payload(session)


class VisitorConsumer(HelplineSocket):
    button = None
    session: ChatSession | None = None
    present_in: ChatSession | None = None  # the chat this socket counts as the visitor being there for
    tracker: VisitorTracker | None = None  # visitor monitoring (chat.monitoring): page views, invitations

    async def connect(self):
        key = self.scope["url_route"]["kwargs"].get("key", "")
        self.button = await database_sync_to_async(selectors.get_socket_button)(key)
        if self.button is None:
            await self.close(code=4404)
            return
        self.ip = scope_ip(self.scope)
        await self.accept()

    async def disconnect(self, code):
        await self._track(None)
        await self._count_presence(None)
        if self.session is not None:
            group = chat_session(self.session.public_id)
            await self.channel_layer.group_discard(group, self.channel_name)
            await self.channel_layer.group_send(
                group, {"type": "chat.presence", "chat": self.session.public_id, "visitor": "disconnected"}
            )

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "hello":
                await self._hello(content)
            elif kind == "message":
                await self._message(content)
            elif kind == "typing" and self.session is not None:
                preview = content.get("text") if isinstance(content.get("text"), str) else ""
                await self.channel_layer.group_send(
                    chat_session(self.session.public_id),
                    {
                        "type": "chat.typing",
                        "chat": self.session.public_id,
                        "from": "visitor",
                        "text": preview[:MAX_PREVIEW],
                    },
                )
            elif kind == "read" and self.session is not None:
                await self._read(content)
            elif kind == "end" and self.session is not None:
                await database_sync_to_async(actions.end_chat)(session=self.session, ended_by="visitor")
            elif kind == "rate" and self.session is not None:
                await database_sync_to_async(actions.rate_chat)(
                    session=self.session, rating=content.get("rating"), comment=content.get("comment") or ""
                )
                await self.send_json({"type": "rated", "rating": content.get("rating")})
                await self.channel_layer.group_send(
                    chat_session(self.session.public_id), {"type": "chat.state", "state": await _state(self.session)}
                )
            elif kind == "transcript" and self.session is not None:
                await database_sync_to_async(actions.send_transcript)(session=self.session, email=content.get("email"))
                await self.send_json({"type": "transcript_sent"})
            elif kind in VisitorTracker.KINDS and self.tracker is not None:
                await self._monitoring(kind, content)
            elif kind == "ping":
                await self.send_json({"type": "pong"})
                if self.tracker is not None:
                    await self.tracker.ping()
        except DomainError as exc:
            await self.send_json(_error(exc, cid=content.get("cid")))

    async def _monitoring(self, kind: str, content: dict):
        try:
            reply = await self.tracker.handle(kind, content)
        except DomainError as exc:
            reply = _error(exc, about=kind)
        if reply is not None:
            await self.send_json(reply)

    async def _track(self, visitor: str | None):
        """Follow the visitor's pages and receive agents' invitations for them (one visitor per socket)."""
        if self.tracker is not None:
            if self.tracker.visitor_id == visitor:
                return
            await self.tracker.close()
            group = chat_visitor(self.button.account.public_id, self.tracker.visitor_id)
            await self.channel_layer.group_discard(group, self.channel_name)
            self.tracker = None
        if visitor is not None:
            self.tracker = VisitorTracker(self.button, visitor, self.scope)
            group = chat_visitor(self.button.account.public_id, visitor)
            await self.channel_layer.group_add(group, self.channel_name)

    async def _hello(self, content):
        visitor = content.get("visitor")
        if not isinstance(visitor, str) or not VISITOR_ID.match(visitor):
            await self.send_json({"type": "error", "code": "invalid", "detail": "malformed visitor id"})
            return
        banned = await database_sync_to_async(routing_bridge.is_banned)(
            self.button.account, ip=self.ip, visitor_id=visitor
        )
        if banned:  # a neutral answer: the widget offers nothing
            with translation.override(widget_language(self.button)):
                detail = _("Sorry, the chat is not available.")
            await self.send_json({"type": "error", "code": "unavailable", "detail": detail})
            await self.close(code=4403)
            return
        await self._track(visitor)
        session = await database_sync_to_async(selectors.get_visitor_session)(self.button, visitor)
        if self.session is not None and (session is None or session.pk != self.session.pk):
            await self.channel_layer.group_discard(chat_session(self.session.public_id), self.channel_name)
        self.session = session
        await self._count_presence(session if session is not None and session.state != ChatSession.ENDED else None)
        if session is None:
            await self.send_json({"type": "welcome", "chat": None})
            return
        group = chat_session(session.public_id)
        await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json({"type": "welcome", "chat": await _state(session)})
        for line in await _replay(session, _int(content.get("last_seq"))):
            await self.send_json({"type": "line", "line": with_links(line, "visitor")})
        if session.state != ChatSession.ENDED:
            await self.channel_layer.group_send(
                group, {"type": "chat.presence", "chat": session.public_id, "visitor": "connected"}
            )

    async def _count_presence(self, session: ChatSession | None):
        """This socket counts for the visitor's presence in one open chat at most (actions.presence)."""
        if self.present_in is not None and (session is None or session.pk != self.present_in.pk):
            await database_sync_to_async(actions.visitor_disconnected)(session=self.present_in, node=current_node())
            self.present_in = None
        if session is not None and self.present_in is None:
            await database_sync_to_async(actions.visitor_connected)(session=session, node=current_node())
            self.present_in = session

    async def _message(self, content):
        if self.session is None:
            await self.send_json({"type": "error", "cid": content.get("cid"), "code": "no_chat", "detail": "no chat"})
            return
        with translation.override(widget_language(self.button)):  # the refusal in the widget's language
            limits.check("line", account_id=self.button.account_id, visitor_id=self.session.visitor_id, ip=self.ip)
        line = await writer().post(VisitorLine(self.session, content.get("cid"), content.get("text")))
        await self.send_json({"type": "ack", "cid": line.cid, "id": line.message.public_id, "seq": line.seq})

    async def _read(self, content):
        seq = await database_sync_to_async(actions.mark_read)(
            session=self.session, side=ChatLine.VISITOR, seq=_int(content.get("seq"))
        )
        await self.channel_layer.group_send(
            chat_session(self.session.public_id),
            {"type": "chat.read", "chat": self.session.public_id, "by": "visitor", "seq": seq},
        )

    # Group messages
    async def chat_line(self, event):
        await self.send_json({"type": "line", "line": with_links(event["line"], "visitor")})

    async def chat_state(self, event):
        await self.send_json({"type": "state", "state": event["state"]})

    async def chat_typing(self, event):
        if event.get("from") == "agent":  # the visitor sees that the agent types, never a preview
            await self.send_json({"type": "typing", "from": "agent", "active": bool(event.get("active"))})

    async def chat_read(self, event):
        if event.get("by") == "agent":
            await self.send_json({"type": "read", "by": "agent", "seq": event["seq"]})

    async def chat_presence(self, event):
        """For the agents in the chat."""

    async def visitor_invite(self, event):
        """An agent invited this visitor from the visitors list."""
        invite = {k: event[k] for k in ("invitation", "message", "agent")}
        await self.send_json({"type": "invite", **invite, "texts": invitation_texts(self.button)})

    async def helpline_event(self, event):
        """Visitors never get account events."""


@database_sync_to_async
def _membership(user, account_public_id):
    from helpline.tenancy.selectors import membership_for

    membership = membership_for(user, account_public_id)
    if membership is None:
        return None
    from helpline.tenancy.permissions import WORK_TICKETS

    return membership if membership.has_perm(WORK_TICKETS) else None


class AgentChatConsumer(TicketScoped, HelplineSocket):
    """The chat console's socket: the account's events (ringing, new chats) and the chats the agent opened."""

    account = None
    user = None

    async def connect(self):
        self.chats: dict[str, ChatSession] = {}
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        membership = await _membership(user, (self.scope.get("session") or {}).get("account"))
        if membership is None:
            await self.close(code=4403)
            return
        self.user = user
        self.membership = membership
        self.account = await database_sync_to_async(lambda: membership.account)()
        await self.load_scope(user, self.account.public_id)  # account events of tickets the agent may see only
        await self.channel_layer.group_add(agents_of(self.account.public_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "account": self.account.public_id})

    async def disconnect(self, code):
        if self.account is not None:
            await self.channel_layer.group_discard(agents_of(self.account.public_id), self.channel_name)
        for public_id in list(getattr(self, "chats", {})):
            await self.channel_layer.group_discard(chat_session(public_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        chat = content.get("chat") if isinstance(content.get("chat"), str) else ""
        try:
            if kind == "open":
                await self._open(chat, _int(content.get("last_seq")))
            elif kind == "ping":
                await self.send_json({"type": "pong"})
            elif chat not in self.chats:
                if kind in ("close", "message", "typing", "read"):
                    await self.send_json(
                        {
                            "type": "error",
                            "chat": chat,
                            "cid": content.get("cid"),
                            "code": "not_open",
                            "detail": "open the chat first",
                        }
                    )
            elif kind == "close":
                self.chats.pop(chat)
                await self.channel_layer.group_discard(chat_session(chat), self.channel_name)
            elif kind == "message":
                line = await database_sync_to_async(actions.post_agent_message)(
                    session=self.chats[chat], user=self.user, cid=content.get("cid"), text=content.get("text")
                )
                await self.send_json(
                    {"type": "ack", "chat": chat, "cid": line.cid, "id": line.message.public_id, "seq": line.seq}
                )
            elif kind == "typing":
                await self.channel_layer.group_send(
                    chat_session(chat),
                    {"type": "chat.typing", "chat": chat, "from": "agent", "active": bool(content.get("active"))},
                )
            elif kind == "read":
                seq = await database_sync_to_async(actions.mark_read)(
                    session=self.chats[chat], side=ChatLine.AGENT, seq=_int(content.get("seq"))
                )
                await self.channel_layer.group_send(
                    chat_session(chat), {"type": "chat.read", "chat": chat, "by": "agent", "seq": seq}
                )
        except DomainError as exc:
            await self.send_json(_error(exc, chat=chat, cid=content.get("cid")))

    async def _open(self, chat: str, last_seq: int):
        session = await database_sync_to_async(selectors.access_agent_chat)(self.membership, chat)
        self.chats[chat] = session
        await self.channel_layer.group_add(chat_session(chat), self.channel_name)
        await self.send_json({"type": "state", "state": await _state(session)})
        for line in await _replay(session, last_seq):
            await self.send_json({"type": "line", "line": with_links(line, "agent")})

    # Group messages
    async def helpline_event(self, event):
        # Not for this agent: a ring for other agents of the account, or a ticket they may not see.
        shown = visible_part(event, self.ticket_scope, self.user.public_id)
        if shown is not None:
            await self.send_json({"type": "event", **shown})

    async def chat_line(self, event):
        await self.send_json({"type": "line", "line": with_links(event["line"], "agent")})

    async def chat_state(self, event):
        await self.send_json({"type": "state", "state": event["state"]})

    async def chat_typing(self, event):
        if event.get("from") == "visitor":
            await self.send_json({"type": "typing", "chat": event["chat"], "from": "visitor", "text": event["text"]})

    async def chat_read(self, event):
        if event.get("by") == "visitor":
            await self.send_json({"type": "read", "chat": event["chat"], "by": "visitor", "seq": event["seq"]})

    async def chat_presence(self, event):
        await self.send_json({"type": "presence", "chat": event["chat"], "visitor": event["visitor"]})
