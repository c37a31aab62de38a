"""THE explicit subscriber table: which code reacts to which event. Add new subscribers here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from helpline.events import types as e


@cache
def table() -> dict[type[e.Event], tuple[Callable[[e.Event], None], ...]]:
    from helpline.channels.chat.monitoring.subscribers import (
        push_invitation_to_visitor,
        push_visit_to_agents,
        push_visitor_chat_to_agents,
    )
    from helpline.channels.chat.subscribers import push_chat_line, push_chat_state
    from helpline.channels.email.autoreply import notify_resolved
    from helpline.channels.subscribers import deliver_queued_reply
    from helpline.realtime.subscribers import push_chat_to_agents, push_presence_to_agents, push_to_agents
    from helpline.search.subscribers import reindex_contact, reindex_ticket

    ticket_changes = (reindex_ticket, push_to_agents)
    return {
        e.TicketCreated: ticket_changes,
        e.MessageReceived: (push_chat_line, *ticket_changes),
        e.ReplyQueued: (push_chat_line, deliver_queued_reply, *ticket_changes),
        e.NoteAdded: ticket_changes,
        e.MessageDeliveryChanged: (push_to_agents,),
        e.TicketAssigned: (push_to_agents,),
        e.TicketTransferred: (push_to_agents,),
        e.TicketStatusChanged: (push_to_agents, notify_resolved),
        e.TicketPriorityChanged: (push_to_agents,),
        e.TicketTagged: (push_to_agents,),
        e.TicketUntagged: (push_to_agents,),
        e.CustomFieldSet: (push_to_agents,),
        e.TicketSplit: ticket_changes,
        e.ContactCreated: (reindex_contact,),
        e.ContactChanged: (reindex_contact,),
        e.ChatRinging: (push_chat_to_agents,),
        e.ChatAccepted: (push_chat_to_agents,),
        e.ChatMissed: (push_chat_to_agents,),
        e.ChatDeclined: (push_chat_to_agents,),
        e.ChatQueued: (push_chat_to_agents,),
        e.ChatUnavailable: (push_chat_to_agents,),
        e.ChatWithdrawn: (push_chat_to_agents,),
        e.ChatFinished: (push_chat_to_agents,),
        e.ChatInvited: (push_chat_to_agents,),
        e.AgentPresenceChanged: (push_presence_to_agents,),
        e.ChatSessionStarted: (push_to_agents, push_visitor_chat_to_agents),
        e.ChatSessionAccepted: (push_chat_state, push_to_agents),
        e.ChatSessionEnded: (push_chat_state, push_to_agents, push_visitor_chat_to_agents),
        e.VisitorPageViewed: (push_visit_to_agents,),
        e.VisitorLeft: (push_visit_to_agents,),
        e.VisitorInvited: (push_invitation_to_visitor,),
    }


def subscribers_for(event_type: type[e.Event]) -> tuple[Callable[[e.Event], None], ...]:
    return table().get(event_type, ())
