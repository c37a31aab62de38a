"""Automatic assignment's event subscribers (listed in helpline.events.subscribers, after the event rules, so a
rule that assigns the ticket itself wins)."""

from __future__ import annotations

from helpline.assignment import selectors
from helpline.assignment.actions import assign_if_configured, assign_waiting
from helpline.events import types as ev

PRESENCE_BATCH = 50  # the rest waits for the minute sweep


def assign_new_ticket(event: ev.TicketCreated) -> None:
    if selectors.assignment_enabled(event.account_id):  # cached: an account without it reads no ticket
        assign_if_configured(event.ticket_id)


def assign_transferred_ticket(event: ev.TicketTransferred) -> None:
    if event.to_department_id is not None:
        assign_if_configured(event.ticket_id)


def assign_waiting_tickets(event: ev.AgentPresenceChanged) -> None:
    """An agent came online: tickets nobody could take may now go to them."""
    from helpline.routing.models import Presence
    from helpline.tenancy.models import Account

    if event.to_state != Presence.ONLINE:
        return
    account = Account.objects.filter(pk=event.account_id).first()
    if account is not None:
        assign_waiting(account, limit=PRESENCE_BATCH)
