"""The scheduler's SLA sweep: announce each warning and breach of a running target once.

Only states whose ``next_check_at`` has come are read (one index range). Workers running the sweep at the same
time take disjoint rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and every announcement is a conditional
UPDATE of its marker (``… WHERE fr_breached_at IS NULL``): whoever sets it publishes the event, nobody else.
"""

from __future__ import annotations

from django.db import transaction

from helpline.core import clock
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.sla import timing
from helpline.sla.models import SlaState

BATCH = 200


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _announce(state: SlaState, t: timing.Target, marker: str, moment, now, event_type) -> bool:
    claimed = SlaState.objects.filter(pk=state.pk, **{f"{t.column(marker)}__isnull": True}).update(
        **{t.column(marker): now}
    )
    if not claimed:
        return False
    setattr(t, marker, now)
    publish_on_commit(
        event_type(
            account_id=state.account_id,
            ticket_id=state.ticket_id,
            target=t.key,
            level_id=state.level_id or 0,
            due_at=_iso(t.due_at or moment),
        )
    )
    return True


def _check(state: SlaState, now) -> int:
    fired = 0
    for t in timing.targets_of(state):
        if t.state != timing.RUNNING:
            continue
        if t.warn_at and t.warned_at is None and t.warn_at <= now and (t.breached_at is None):
            fired += _announce(state, t, "warned_at", t.warn_at, now, ev.SlaWarning)
        if t.due_at and t.breached_at is None and t.due_at <= now:
            fired += _announce(state, t, "breached_at", t.due_at, now, ev.SlaBreached)
    SlaState.objects.filter(pk=state.pk).update(next_check_at=timing.next_check(state))
    return fired


def fire_due_alarms(*, now=None, batch: int = BATCH) -> int:
    """Announce every warning and breach due by ``now``; the number of events published."""
    now = now or clock.now()
    fired, seen = 0, set()
    while True:
        with transaction.atomic():
            candidates = (
                SlaState.objects.select_for_update(skip_locked=True)
                .filter(next_check_at__lte=now)
                .exclude(pk__in=seen)
                .order_by("next_check_at", "pk")[:batch]
            )
            states = list(candidates)
            for state in states:
                seen.add(state.pk)
                fired += _check(state, now)
        if len(states) < batch:
            return fired
