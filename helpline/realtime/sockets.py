"""What every Helpline websocket consumer shares."""

from __future__ import annotations

import logging

from channels.consumer import AsyncConsumer

log = logging.getLogger(__name__)


class SurvivesClientGone(AsyncConsumer):
    """The client may go away while a reply is on its way (its network drops while its message is being stored).

    uvicorn then raises ``ClientDisconnected`` (an ``OSError``) from ``send``, which would end the consumer
    without ``disconnect()``: no group_discard (the channel layer keeps delivering to a dead channel), and the
    other side never sees "disconnected" (an agent would never go offline). Drop the reply instead; the
    ``websocket.disconnect`` that follows runs ``disconnect()``.
    Listed after the websocket consumer class, so it sits under every send (C3 order: …WebsocketConsumer, this,
    AsyncConsumer)."""

    async def send(self, message):
        try:
            await super().send(message)
        except OSError as exc:
            log.debug("websocket client gone before %s: %r", message.get("type"), exc)
