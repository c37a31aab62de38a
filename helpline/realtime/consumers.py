"""Websocket consumers. Authentication and account membership are checked on connect."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from helpline.realtime.groups import agents_of


@database_sync_to_async
def _account_for(user, account_public_id: str | None):
    from helpline.tenancy.selectors import membership_for

    membership = membership_for(user, account_public_id)
    return membership.account.public_id if membership else None


class AgentConsumer(AsyncJsonWebsocketConsumer):
    """One socket per agent browser tab; receives the account's ticket events."""

    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        session = self.scope.get("session") or {}
        account_id = await _account_for(user, session.get("account"))
        if account_id is None:
            await self.close(code=4403)
            return
        self.group = agents_of(account_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"event": "hello", "account": account_id})

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"event": "pong"})

    async def helpline_event(self, message):
        await self.send_json({k: v for k, v in message.items() if k != "type"})
