"""Websocket consumers. Authentication and account membership are checked on connect."""

from __future__ import annotations

from channels.db import database_sync_to_async

from helpline.realtime.groups import agent_user, agents_of
from helpline.realtime.sockets import HelplineSocket
from helpline.realtime.ticket_presence import TicketPresence
from helpline.realtime.ticket_scope import TicketScoped, visible_part


@database_sync_to_async
def _account_for(user, account_public_id: str | None):
    from helpline.tenancy.selectors import membership_for

    membership = membership_for(user, account_public_id)
    return membership.account.public_id if membership else None


@database_sync_to_async
def _register_socket(user, account_public_id: str, channel_name: str) -> None:
    from helpline.routing.actions import agent_connected
    from helpline.routing.nodes import current_node
    from helpline.tenancy.models import Account

    account = Account.objects.get(public_id=account_public_id)
    agent_connected(account=account, user=user, channel_name=channel_name, node=current_node())


@database_sync_to_async
def _forget_socket(channel_name: str) -> None:
    from helpline.routing.actions import agent_disconnected

    agent_disconnected(channel_name=channel_name)  # the agent's last socket: offline on every channel


@database_sync_to_async
def _report_activity(user, account_public_id: str, idle: bool) -> None:
    from helpline.routing.actions import mark_active, mark_idle
    from helpline.tenancy.models import Account

    account = Account.objects.get(public_id=account_public_id)
    (mark_idle if idle else mark_active)(account=account, user=user)


class AgentConsumer(TicketPresence, TicketScoped, HelplineSocket):
    """One socket per agent browser tab; receives the account's ticket events (those of tickets the agent may see,
    see ticket_scope), and tells the other agents which ticket this tab shows and whether a reply is being written
    there (see ticket_presence)."""

    group: str | None = None
    personal_group: str | None = None  # groups.agent_user: pushes for this agent alone (realtime.personal)
    account_public_id: str | None = None

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
        self.account_public_id = account_id
        await self.load_scope(user, account_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.personal_group = agent_user(account_id, user.public_id)
        await self.channel_layer.group_add(self.personal_group, self.channel_name)
        await self.accept()
        await _register_socket(user, account_id, self.channel_name)
        await self.send_json({"event": "hello", "account": account_id})

    async def disconnect(self, code):
        if self.group:
            await self.leave_ticket()
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(self.personal_group, self.channel_name)
            await _forget_socket(self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or self.account_public_id is None:
            return
        if content.get("type") == "ping":
            await self.send_json({"event": "pong"})
            await self.repeat_presence()
        elif content.get("type") in ("idle", "active"):
            # The browser saw no input for a while (away), or input again (back online if away on idle).
            await _report_activity(self.scope["user"], self.account_public_id, content["type"] == "idle")
        else:
            await self.presence_receive(content)  # view {ticket} · replying {active} · leave

    async def helpline_event(self, message):
        # Not for this agent: a ring for other agents of the account, or a ticket they may not see.
        shown = visible_part(message, self.ticket_scope, self.scope["user"].public_id)
        if shown is not None:
            await self.send_json(shown)

    async def helpline_personal(self, message):
        """For this agent alone (realtime.personal.push_to_agent), already judged by the sender."""
        await self.send_json({key: value for key, value in message.items() if key != "type"})
