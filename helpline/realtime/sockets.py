"""The base every Helpline websocket consumer shares."""

from __future__ import annotations

import logging

from channels.consumer import AsyncConsumer, get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

log = logging.getLogger(__name__)


class _SurvivesClientGone(AsyncConsumer):
    """When the client goes away while a reply is on its way, uvicorn raises ``ClientDisconnected`` (an
    ``OSError``) from ``send``, which would end the consumer without ``disconnect()``: no group_discard (the
    channel layer keeps delivering to a dead channel), and the other side never sees "disconnected" (an agent
    would never go offline). The reply is dropped instead; the ``websocket.disconnect`` that follows runs
    ``disconnect()``. It sits under the websocket consumer's ``send(text_data=…)`` in the MRO, where the
    message is a dict."""

    async def send(self, message):
        try:
            await super().send(message)
        except OSError as exc:
            log.debug("websocket client gone before %s: %r", message.get("type"), exc)


class HelplineSocket(AsyncJsonWebsocketConsumer, _SurvivesClientGone):
    """A JSON websocket whose frames and group messages go straight to their handlers.

    Channels' own ``dispatch`` first runs ``close_old_connections`` through ``sync_to_async`` — in the
    process's one thread-sensitive worker thread, the queue every ``database_sync_to_async`` call of every
    consumer waits in. Under load (chat messages being stored one after another there) every group message and
    frame then waited a whole queue length before its handler started: one node delivered about one chat line
    a second while it stored ~14. Not needed here: every database call of our consumers goes through
    ``database_sync_to_async``, which closes old connections before and after it runs, in that same thread."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
