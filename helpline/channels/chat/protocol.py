"""The shapes the visitor and agent sockets send: one place, so both sides read the same fields."""

from __future__ import annotations

import re
import threading

from helpline.channels.chat.models import ChatLine, ChatSession

CID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_TEXT = 10_000
MAX_PREVIEW = 500


def agent_name(user) -> str:
    """The name a visitor sees: the agent's alias when they set one."""
    if user is None:
        return ""
    return user.alias or user.name or user.email.split("@")[0]


def line_payload(line: ChatLine, files: list | None = None) -> dict:
    """What both sides show of a line. ``files``: the message's attachments when the caller has them at hand."""
    message = line.message
    if line.side == ChatLine.AGENT:
        author = agent_name(message.author_user)
    else:
        author = message.author_contact.display_name if message.author_contact_id else ""
    return {
        "chat": line.session.public_id,
        "seq": line.seq,
        "id": message.public_id,
        "cid": line.cid,
        "from": line.side,
        "author": author,
        "text": message.body_text,
        "at": message.created_at.isoformat(),
        "files": [
            {"id": a.public_id, "name": a.name, "size": a.size, "type": a.content_type}
            for a in (message.attachments.all() if files is None else files)
        ],
    }


# Lines stored by this thread whose commit has not been pushed yet: {message id: payload}. The after-commit push
# (subscribers.push_chat_line) runs in the same thread and takes the payload instead of reading the line again.
_stored = threading.local()
MAX_REMEMBERED = 1000  # a rolled-back transaction's lines are never taken: never keep more than this


def remember_payload(line: ChatLine, files: list) -> None:
    """Call inside the transaction that stored ``line`` (its session, message and author loaded)."""
    payloads = getattr(_stored, "payloads", None)
    if payloads is None or len(payloads) >= MAX_REMEMBERED:
        payloads = _stored.payloads = {}
    payloads[line.message_id] = line_payload(line, files)


def take_payload(message_id: int) -> dict | None:
    payloads = getattr(_stored, "payloads", None)
    return payloads.pop(message_id, None) if payloads else None


def state_payload(session: ChatSession) -> dict:
    return {
        "chat": session.public_id,
        "state": session.state,
        "agent": agent_name(session.agent) if session.agent_id else "",
        "last_seq": session.last_seq,
        "visitor_read_seq": session.visitor_read_seq,
        "agent_read_seq": session.agent_read_seq,
        "rating": session.rating,
    }
