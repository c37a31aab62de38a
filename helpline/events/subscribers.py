"""THE explicit subscriber table: which code reacts to which event. Add new subscribers here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from helpline.events import types as e


@cache
def table() -> dict[type[e.Event], tuple[Callable[[e.Event], None], ...]]:
    from helpline.channels.email.autoreply import notify_resolved
    from helpline.channels.subscribers import deliver_queued_reply
    from helpline.realtime.subscribers import push_to_agents
    from helpline.search.subscribers import reindex_contact, reindex_ticket

    ticket_changes = (reindex_ticket, push_to_agents)
    return {
        e.TicketCreated: ticket_changes,
        e.MessageReceived: ticket_changes,
        e.ReplyQueued: (deliver_queued_reply, *ticket_changes),
        e.NoteAdded: ticket_changes,
        e.MessageDeliveryChanged: (push_to_agents,),
        e.TicketAssigned: (push_to_agents,),
        e.TicketTransferred: (push_to_agents,),
        e.TicketStatusChanged: (push_to_agents, notify_resolved),
        e.TicketPriorityChanged: (push_to_agents,),
        e.TicketTagged: (push_to_agents,),
        e.TicketUntagged: (push_to_agents,),
        e.CustomFieldSet: (push_to_agents,),
        e.ContactCreated: (reindex_contact,),
        e.ContactChanged: (reindex_contact,),
    }


def subscribers_for(event_type: type[e.Event]) -> tuple[Callable[[e.Event], None], ...]:
    return table().get(event_type, ())
