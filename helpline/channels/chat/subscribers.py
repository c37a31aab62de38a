"""Push chat lines and session changes to the conversation's group (the visitor and the agents in it)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.protocol import line_payload, state_payload, take_payload
from helpline.conversations.statuses import MessageKind
from helpline.events.bus import coalesce_by
from helpline.events.decisions import gather
from helpline.realtime.groups import chat_session


def send_to_chat(session_public_id: str, message: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(chat_session(session_public_id), message)


def send_to_chats(messages: list[tuple[str, dict]]) -> None:
    """(session public id, message) pairs, in order, with one hop into the event loop for all of them."""
    layer = get_channel_layer()

    async def send_all() -> None:
        for session_public_id, message in messages:
            await layer.group_send(chat_session(session_public_id), message)

    async_to_sync(send_all)()


def push_chat_line(event) -> None:
    """MessageReceived / ReplyQueued: when the message is a chat line, every socket in the chat gets it."""
    if event.kind and event.kind != MessageKind.CHAT:
        return  # an email, a note…: not a chat line, no query
    payload = take_payload(event.message_id)  # stored by this thread just now (actions.messages): no query
    if payload is not None:
        message = (payload["chat"], {"type": "chat.line", "line": payload})
        if not gather(send_to_chats, message):  # a group of lines (chat.writer) is sent together as it ends
            send_to_chats([message])
        return
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


REINDEX_DELAY = 5  # seconds: a running chat's ticket is reindexed at most this often, off the socket's path


@coalesce_by(lambda event: event.ticket_id)
def reindex_ticket_unless_chat_line(event) -> None:
    """Every ticket change reindexes its ticket once per commit (search.subscribers.reindex_ticket), except a
    chat line (MessageReceived / ReplyQueued of kind chat): it does not rebuild the ticket's search document while
    it is being stored (the document is the whole conversation, so the cost grows with every line); one task,
    ``REINDEX_DELAY`` later, indexes every line that arrived meanwhile, for all the tickets of a group of lines."""
    from helpline.search.subscribers import reindex_ticket

    if getattr(event, "kind", "") != MessageKind.CHAT:  # every other ticket event
        reindex_ticket(event)
    elif not gather(reindex_chat_tickets_soon, event.ticket_id):
        reindex_chat_tickets_soon([event.ticket_id])


def reindex_chat_tickets_soon(ticket_ids: list[int]) -> None:
    """One delayed task for those of the tickets that have none pending yet (one cache read for all of them)."""
    from helpline.channels.chat.tasks import reindex_chat_tickets

    wanted = sorted(set(ticket_ids))
    if HUEY.immediate:  # tests and one-shot commands: no scheduler to wait for
        reindex_chat_tickets.call_local(wanted)
        return
    keys = {reindex_chat_tickets.pending_key(pk): pk for pk in wanted}
    pending = cache.get_many(list(keys))
    due = [pk for key, pk in keys.items() if key not in pending and cache.add(key, 1, timeout=REINDEX_DELAY * 12)]
    if due:
        reindex_chat_tickets.schedule(args=(due,), delay=REINDEX_DELAY)
