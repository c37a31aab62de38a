"""Pushes addressed to one agent: every open workspace tab of theirs in that account (groups.agent_user), nobody
else's. The AgentConsumer joins the group on connect and passes the message on as it is (``helpline.personal``)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.realtime.groups import agent_user


def push_to_agent(account_public_id: str, user_public_id: str, data: dict) -> None:
    message = {**data, "type": "helpline.personal"}
    async_to_sync(get_channel_layer().group_send)(agent_user(account_public_id, user_public_id), message)
