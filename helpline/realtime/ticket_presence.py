"""Who else has a ticket open, and who is writing a reply on it: collision detection over the agent socket.

No storage: each socket showing a ticket joins the ticket's group (``groups.ticket_viewers``) and announces itself
there; a newcomer asks, and every socket already there answers the newcomer directly. Leaving (another ticket, the
page closed, the socket gone) says "left". Sockets repeat their state on every ping, and browsers forget a viewer
they have not heard from for a while, so a node that dies without saying goodbye leaves no ghost behind. Group
messages travel through the channel layer, so this works across nodes (Redis in the scale-out shape).

Protocol on ``/ws/agent/`` (JSON ``type``):
  agent → server: view {ticket} · replying {active: bool} · leave
  server → agent: {"event": "ticket.presence", "ticket", "viewer", "agent", "name", "state": viewing|replying|left}
A socket never hears about its own user (another tab of the same agent is no collision).
"""

from __future__ import annotations

import secrets

from channels.db import database_sync_to_async

from helpline.realtime.groups import ticket_viewers

VIEWING, REPLYING, LEFT = "viewing", "replying", "left"
PUBLIC_FIELDS = ("ticket", "viewer", "agent", "name", "state")  # what a browser gets (never a channel name)


@database_sync_to_async
def _viewable_ticket(user, account_public_id: str, ticket_public_id) -> bool:
    """The ticket belongs to the socket's account, the agent may work on tickets there and may see this one (a
    ticket of another department is refused like a missing one, see conversations.visibility)."""
    from helpline.conversations.access import access_ticket
    from helpline.core.errors import NotFound
    from helpline.tenancy import permissions
    from helpline.tenancy.selectors import membership_for

    if not isinstance(ticket_public_id, str) or not 0 < len(ticket_public_id) <= 64:
        return False
    membership = membership_for(user, account_public_id)
    if membership is None or not membership.has_perm(permissions.WORK_TICKETS):
        return False
    try:
        access_ticket(membership.account, ticket_public_id, membership=membership)
    except NotFound:
        return False
    return True


class TicketPresence:
    """Mixed into the agent consumer: ``self.account_public_id`` and ``self.scope['user']`` are set on connect."""

    viewing_ticket: str | None = None
    presence_state: str = VIEWING

    @property
    def viewer_token(self) -> str:
        token = getattr(self, "_viewer_token", None)
        if token is None:
            token = self._viewer_token = secrets.token_urlsafe(9)
        return token

    def _presence(self, state: str, **extra) -> dict:
        user = self.scope["user"]
        return {
            "type": "ticket.presence",
            "ticket": self.viewing_ticket,
            "viewer": self.viewer_token,
            "agent": user.public_id,
            "name": user.display_name,
            "state": state,
            **extra,
        }

    async def presence_receive(self, content: dict) -> None:
        """Handle a presence frame (anything else is ignored)."""
        kind = content.get("type")
        if kind == "view":
            await self.view_ticket(content.get("ticket"))
        elif kind == "replying":
            await self.set_replying(content.get("active") is True)
        elif kind == "leave":
            await self.leave_ticket()

    async def view_ticket(self, ticket_public_id) -> None:
        if ticket_public_id is not None and ticket_public_id == self.viewing_ticket:
            return
        await self.leave_ticket()
        if not await _viewable_ticket(self.scope["user"], self.account_public_id, ticket_public_id):
            await self.send_json({"event": "ticket.presence_refused", "ticket": str(ticket_public_id)[:64]})
            return
        self.viewing_ticket = ticket_public_id
        self.presence_state = VIEWING
        group = ticket_viewers(self.account_public_id, ticket_public_id)
        await self.channel_layer.group_add(group, self.channel_name)
        await self.channel_layer.group_send(group, self._presence(VIEWING, reply_to=self.channel_name))

    async def set_replying(self, active: bool) -> None:
        if self.viewing_ticket is None:
            return
        state = REPLYING if active else VIEWING
        if state == self.presence_state:
            return
        self.presence_state = state
        await self.channel_layer.group_send(
            ticket_viewers(self.account_public_id, self.viewing_ticket), self._presence(state)
        )

    async def repeat_presence(self) -> None:
        """On every ping: the others learn we are still here (they forget viewers they stop hearing from)."""
        if self.viewing_ticket is not None:
            await self.channel_layer.group_send(
                ticket_viewers(self.account_public_id, self.viewing_ticket), self._presence(self.presence_state)
            )

    async def leave_ticket(self) -> None:
        if self.viewing_ticket is None:
            return
        group = ticket_viewers(self.account_public_id, self.viewing_ticket)
        await self.channel_layer.group_discard(group, self.channel_name)
        await self.channel_layer.group_send(group, self._presence(LEFT))
        self.viewing_ticket = None
        self.presence_state = VIEWING

    # Group message handler
    async def ticket_presence(self, message: dict) -> None:
        if message.get("viewer") == self.viewer_token or message.get("ticket") != self.viewing_ticket:
            return
        reply_to = message.get("reply_to")
        if reply_to:  # a newcomer: tell them who is already here (our own user's other tabs too)
            await self.channel_layer.send(reply_to, self._presence(self.presence_state))
        if message.get("agent") == self.scope["user"].public_id:
            return
        await self.send_json({"event": "ticket.presence", **{key: message[key] for key in PUBLIC_FIELDS}})
