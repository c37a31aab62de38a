"""What can start an event rule: each trigger and the domain events that raise it.

A trigger with no events is listed (so the editor can say so) but refused when saving a rule: the feature that
raises it (calls, SLA) is not built yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from helpline.events import types as ev


@dataclass(frozen=True)
class Trigger:
    key: str
    label: str
    events: tuple[type[ev.Event], ...]

    @property
    def available(self) -> bool:
        return bool(self.events)


TRIGGERS: dict[str, Trigger] = {
    t.key: t
    for t in [
        Trigger("ticket_created", _("Ticket created"), (ev.TicketCreated,)),
        Trigger("customer_message", _("Message received from the customer"), (ev.MessageReceived,)),
        Trigger("agent_message", _("Reply sent by an agent"), (ev.ReplyQueued,)),
        Trigger("status_changed", _("Status changed"), (ev.TicketStatusChanged,)),
        Trigger("assigned", _("Ticket assigned"), (ev.TicketAssigned,)),
        Trigger("transferred", _("Ticket transferred to a department"), (ev.TicketTransferred,)),
        Trigger("tag_added", _("Tag added"), (ev.TicketTagged,)),
        Trigger("tag_removed", _("Tag removed"), (ev.TicketUntagged,)),
        Trigger("priority_changed", _("Priority changed"), (ev.TicketPriorityChanged,)),
        Trigger("chat_started", _("Chat started"), (ev.ChatSessionStarted,)),
        Trigger("chat_ended", _("Chat ended"), (ev.ChatSessionEnded,)),
        Trigger("call_ended", _("Call ended"), ()),
        Trigger("sla_warning", _("SLA warning"), (ev.SlaWarning,)),
        Trigger("sla_breached", _("SLA breached"), (ev.SlaBreached,)),
        Trigger("rating_received", _("Rating received"), (ev.RatingReceived,)),
    ]
}

TRIGGER_OF_EVENT: dict[type[ev.Event], str] = {event: t.key for t in TRIGGERS.values() for event in t.events}

# Every event type the engine subscribes to (the subscriber table lists it for each of these).
EVENT_TYPES: tuple[type[ev.Event], ...] = tuple(TRIGGER_OF_EVENT)
