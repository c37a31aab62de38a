"""Per-ticket SLA clocks: choose the level, bring the targets up to date, mirror the nearest due time on the
ticket (``Ticket.sla_due_at``), and let an agent or an event rule set the level by hand."""

from __future__ import annotations

from django.db import transaction

from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.core.actors import Actor
from helpline.security import audit
from helpline.sla import timing
from helpline.sla.models import SlaLevel, SlaState
from helpline.sla.schedules import schedule_for
from helpline.tosolve.deadlines import default_due_for


def _locked(account_id: int, ticket_id: int):
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id, account_id=account_id).first()
    if ticket is None:
        return None, None
    state = SlaState.objects.select_for_update(of=("self",)).select_related("level").filter(ticket=ticket).first()
    return ticket, state


def _apply(state: SlaState, ticket: Ticket, now) -> SlaState:
    """Recompute the targets and the ticket's due time, and save both."""
    level = state.level
    calendar_id = level.calendar_id if level is not None else None
    controlled = timing.has_targets(state)
    if state.pk and controlled and state.calendar_id != calendar_id:
        timing.rebase(state, old_schedule=schedule_for(state.calendar_id), now=now)
    state.calendar_id = calendar_id
    timing.sync(state, ticket=ticket, level=level, schedule=schedule_for(calendar_id), now=now)
    state.save()
    if controlled or timing.has_targets(state):
        due = timing.nearest_due(state) or default_due_for(ticket)
        if due != ticket.sla_due_at:
            Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
            ticket.sla_due_at = due
    return state


def sync_ticket_clock(*, account_id: int, ticket_id: int, choose: bool = False, event=None) -> SlaState | None:
    """Bring the ticket's SLA clock up to date (idempotent). With ``choose`` the SLA rules pick its level again,
    unless an agent or an event rule set it by hand. A ticket no level applies to gets no state at all."""
    from helpline.sla.models import SlaRule

    # No clock yet and none to start: the common case of accounts without SLA costs one or two reads, no lock and
    # no transaction.
    if not SlaState.objects.filter(ticket_id=ticket_id, account_id=account_id).exists() and (
        not choose or not SlaRule.objects.filter(account_id=account_id, enabled=True).exists()
    ):
        return None
    return _sync_locked(account_id, ticket_id, choose, event)


@transaction.atomic
def _sync_locked(account_id: int, ticket_id: int, choose: bool, event) -> SlaState | None:
    from helpline.sla.choosing import choose_rule

    ticket, state = _locked(account_id, ticket_id)
    if ticket is None:
        return None
    if choose and (state is None or not state.pinned):
        rule = choose_rule(ticket, event)
        level = rule.level if rule is not None else None
        if state is None and level is None:
            return None
        if state is None:
            state = SlaState(account_id=account_id, ticket=ticket)
        state.level = level
    if state is None:
        return None
    return _apply(state, ticket, clock.now())


@transaction.atomic
def set_ticket_level(*, ticket: Ticket, level: SlaLevel | None, actor: Actor) -> SlaState | None:
    """Give the ticket this level (None: none) by hand; SLA rules no longer change it."""
    if level is not None and level.account_id != ticket.account_id:
        raise ValueError("level of another account")
    locked, state = _locked(ticket.account_id, ticket.pk)
    if locked is None:
        return None
    previous = state.level if state is not None else None
    if state is None:
        if level is None:
            return None
        state = SlaState(account_id=ticket.account_id, ticket=locked)
    state.level, state.pinned = level, True
    _apply(state, locked, clock.now())
    if (previous.pk if previous else None) != (level.pk if level else None):
        audit.record(
            account=locked.account,
            actor=actor,
            action="sla.level_set",
            subject=locked,
            data={"from": previous.name if previous else None, "to": level.name if level else None},
        )
    return state


def resync_level_tickets(level_id: int, *, batch: int = 500) -> int:
    """After a level's targets or calendar changed: recompute the clocks of its unfinished tickets."""
    done, last = 0, 0
    while True:
        rows = list(
            SlaState.objects.filter(level_id=level_id, pk__gt=last)
            .exclude(fr_state__in=("", timing.DONE), nr_state__in=("", timing.DONE), res_state__in=("", timing.DONE))
            .order_by("pk")
            .values_list("pk", "account_id", "ticket_id")[:batch]
        )
        if not rows:
            return done
        for pk, account_id, ticket_id in rows:
            sync_ticket_clock(account_id=account_id, ticket_id=ticket_id)
            last, done = pk, done + 1
