"""Push ticket events to every open agent browser of the account."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.events.bus import coalesce_by
from helpline.events.types import TicketEvent
from helpline.realtime.groups import agents_of

log = logging.getLogger(__name__)


def _refresh_key(event: TicketEvent) -> tuple[int, str]:
    """Browsers re-fetch a ticket whatever changed: one push per ticket per commit (chat events stay apart)."""
    return event.ticket_id, event.name if event.name.startswith("chat.") else "ticket"


@coalesce_by(_refresh_key)
def push_to_agents(event: TicketEvent) -> None:
    from helpline.conversations.models import Ticket

    row = Ticket.objects.filter(pk=event.ticket_id).values("public_id", "status", "account__public_id").first()
    if row is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "ticket": row["public_id"],
        "status": row["status"],
    }
    async_to_sync(get_channel_layer().group_send)(agents_of(row["account__public_id"]), payload)


# Live chat routing: a ring reaches only the agents rung. One group message per event; each agent socket
# keeps what is addressed to its own user (see AgentConsumer.helpline_event), so fan-out stays per process.
RING_EVENTS_FOR_RUNG_AGENTS = {"chat.ringing", "chat.missed", "chat.invited"}


def push_chat_to_agents(event) -> None:
    from helpline.routing.models import ChatRequest
    from helpline.tenancy.models import User

    row = (
        ChatRequest.objects.filter(pk=event.request_id)
        .values("public_id", "ticket__public_id", "ticket__status", "account__public_id")
        .first()
    )
    if row is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "ticket": row["ticket__public_id"],
        "status": row["ticket__status"],
        "request": row["public_id"],
    }
    agent_ids = tuple(getattr(event, "agent_user_ids", ())) or (
        (event.agent_user_id,) if getattr(event, "agent_user_id", None) else ()
    )
    agents = dict(User.objects.filter(pk__in=agent_ids).values_list("pk", "public_id")) if agent_ids else {}
    if event.name == "chat.accepted":
        payload["agent"] = agents.get(event.agent_user_id)
    if event.name in RING_EVENTS_FOR_RUNG_AGENTS:
        payload["recipients"] = [agents[pk] for pk in agent_ids if pk in agents]
    async_to_sync(get_channel_layer().group_send)(agents_of(row["account__public_id"]), payload)


def push_presence_to_agents(event) -> None:
    from helpline.tenancy.models import Account, User

    account = Account.objects.filter(pk=event.account_id).values_list("public_id", flat=True).first()
    agent = User.objects.filter(pk=event.user_id).values_list("public_id", flat=True).first()
    if account is None or agent is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "agent": agent,
        "channel": event.channel,
        "state": event.to_state,
    }
    async_to_sync(get_channel_layer().group_send)(agents_of(account), payload)
