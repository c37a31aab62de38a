"""SLA's event subscribers (listed in helpline.events.subscribers): every change that can start, stop, pause or
resume a target brings the ticket's clock up to date; a new ticket, a transfer and a priority change let the SLA
rules choose its level again (unless it was set by hand)."""

from __future__ import annotations

from helpline.events import types as ev
from helpline.events.decisions import batching, decide
from helpline.sla.actions import sync_ticket_clock

CHOOSE_ON = (ev.TicketCreated, ev.TicketTransferred, ev.TicketPriorityChanged)


def _account_uses_sla(account_id: int) -> bool:
    from helpline.sla.models import SlaRule, SlaState

    return (
        SlaState.objects.filter(account_id=account_id).exists()
        or SlaRule.objects.filter(account_id=account_id, enabled=True).exists()
    )


def track_sla(event: ev.TicketEvent) -> None:
    # In a bulk chunk an account without any SLA clock or rule is found out once, not once per ticket.
    if batching() and not decide(("sla", event.account_id), lambda: _account_uses_sla(event.account_id)):
        return
    sync_ticket_clock(
        account_id=event.account_id, ticket_id=event.ticket_id, choose=isinstance(event, CHOOSE_ON), event=event
    )


def resync_calendar_levels(event: ev.BusinessCalendarChanged) -> None:
    """A calendar's hours or holidays changed: the open tickets of the levels counting in it get new due times."""
    from helpline.sla.models import SlaLevel
    from helpline.sla.tasks import resync_level

    for level_id in SlaLevel.objects.filter(account_id=event.account_id, calendar_id=event.calendar_id).values_list(
        "pk", flat=True
    ):
        resync_level(level_id)
