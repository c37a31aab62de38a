"""A ticket's SLA clock as the ticket page, the API and the inbox show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpline.sla import timing
from helpline.sla.models import TARGET_LABELS
from helpline.sla.schedules import schedule_of
from helpline.sla.selectors import state_of_ticket


@dataclass(frozen=True)
class TargetView:
    target: str
    label: str
    state: str
    due_at: datetime | None
    remaining: timedelta | None
    warned_at: datetime | None
    breached_at: datetime | None
    done_at: datetime | None

    @property
    def remaining_seconds(self) -> int | None:
        return int(self.remaining.total_seconds()) if self.remaining is not None else None

    @property
    def remaining_minutes(self) -> int:
        """Whole business minutes left (0 when none or overdue)."""
        return max(0, int(self.remaining.total_seconds() // 60)) if self.remaining is not None else 0

    @property
    def overdue(self) -> bool:
        return self.breached_at is not None or (self.remaining is not None and self.remaining < timedelta(0))


def target_views(state, ticket, now: datetime) -> list[TargetView]:
    if state is None or state.level is None:
        return []
    schedule = schedule_of(state.level)
    views = []
    for t in timing.targets_of(state):
        if not t.state:
            continue
        views.append(
            TargetView(
                target=t.key,
                label=str(TARGET_LABELS[t.key]),
                state=t.state,
                due_at=t.due_at if t.state == timing.RUNNING else None,
                remaining=timing.remaining(t, state.level, ticket.priority, schedule, now),
                warned_at=t.warned_at,
                breached_at=t.breached_at,
                done_at=t.done_at,
            )
        )
    return views


def ticket_sla(ticket, now: datetime) -> dict:
    state = state_of_ticket(ticket)
    level = state.level if state is not None else None
    return {
        "ticket": ticket.public_id,
        "level": level.public_id if level else None,
        "level_name": level.name if level else None,
        "pinned": bool(state and state.pinned),
        "due_at": ticket.sla_due_at if level else None,
        "targets": [
            {
                "target": v.target,
                "state": v.state,
                "due_at": v.due_at,
                "remaining_seconds": v.remaining_seconds,
                "warned_at": v.warned_at,
                "breached_at": v.breached_at,
                "done_at": v.done_at,
            }
            for v in target_views(state, ticket, now)
        ],
    }
