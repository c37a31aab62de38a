"""Push ticket events to every open agent browser of the account."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.events.types import TicketEvent
from helpline.realtime.groups import agents_of

log = logging.getLogger(__name__)


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
