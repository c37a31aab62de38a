"""Push chat lines and session changes to the conversation's group (the visitor and the agents in it)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.protocol import line_payload, state_payload
from helpline.conversations.statuses import MessageKind
from helpline.realtime.groups import chat_session


def send_to_chat(session_public_id: str, message: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(chat_session(session_public_id), message)


def push_chat_line(event) -> None:
    """MessageReceived / ReplyQueued: when the message is a chat line, every socket in the chat gets it."""
    if event.kind and event.kind != MessageKind.CHAT:
        return  # an email, a note…: not a chat line, no query
    line = (
        ChatLine.objects.select_related("session", "message__author_user", "message__author_contact")
        .prefetch_related("message__attachments")
        .filter(message_id=event.message_id)
        .first()
    )
    if line is not None:
        send_to_chat(line.session.public_id, {"type": "chat.line", "line": line_payload(line)})


def push_chat_state(event) -> None:
    session = ChatSession.objects.select_related("agent").filter(pk=event.session_id).first()
    if session is not None:
        send_to_chat(session.public_id, {"type": "chat.state", "state": state_payload(session)})
