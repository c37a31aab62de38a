"""Huey tasks: the minute's sweep of SLA warnings and breaches, and recomputing clocks after a level changed."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from helpline.sla import actions


@db_periodic_task(crontab(minute="*"))
def sweep_sla_alarms() -> int:
    """Idempotent and safe on several workers at once (helpline.sla.actions.alarms)."""
    return actions.fire_due_alarms()


@db_task()
def resync_level(level_id: int) -> int:
    return actions.resync_level_tickets(level_id)


@db_task()
def resync_tickets(account_id: int, ticket_ids: list[int]) -> int:
    for ticket_id in ticket_ids:
        actions.sync_ticket_clock(account_id=account_id, ticket_id=ticket_id)
    return len(ticket_ids)
