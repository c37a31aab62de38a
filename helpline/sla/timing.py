"""The SLA clock as arithmetic on one ticket's SlaState: which targets run, pause or are done, and when each is due.

``sync`` derives everything from the ticket's own facts (status, priority, first response, last customer and agent
messages), so it is idempotent and does not depend on the order events arrive in:

* first response: runs from the ticket's creation until the first agent answer (or until it is resolved, marked
  spam or deleted without one: done, nothing to answer);
* next response: a cycle opens when the customer writes after the team's last answer (once there was a first
  response) and closes with the next answer;
* resolution: runs from the creation until the ticket is resolved; a reopened ticket resumes it where it stopped.

A running target pauses while the ticket waits on the customer (answered) or is postponed, spam or deleted, and
resumes with the business time it had left. Time is business time of the level's calendar (helpline.calendars
.schedule): ``consumed`` holds what ran before the current run, which started at ``since``; the due time is
``add_business_time(since, duration - consumed)``, so a changed priority or level simply recomputes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpline.calendars.schedule import add_business_time, business_time_between, next_open
from helpline.conversations.statuses import PRIORITY_NAMES, Status
from helpline.sla.models import FIRST_RESPONSE, NEXT_RESPONSE, PREFIX, RESOLUTION, TARGETS

RUNNING, PAUSED, DONE = "running", "paused", "done"
CLOCK_RUNS = {Status.NEW, Status.OPEN, Status.CHATTING, Status.CALLING}
STOPPED = {Status.RESOLVED, Status.SPAM, Status.DELETED}
ZERO = timedelta(0)


class Target:
    """One target's columns on a SlaState (``fr_state``, ``fr_due_at`` …) as attributes."""

    FIELDS = ("state", "started_at", "since", "consumed", "due_at", "warn_at", "warned_at", "breached_at", "done_at")

    def __init__(self, state, key: str):
        object.__setattr__(self, "_row", state)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "prefix", PREFIX[key])

    def __getattr__(self, name):
        return getattr(self._row, f"{self.prefix}_{name}")

    def __setattr__(self, name, value):
        setattr(self._row, f"{self.prefix}_{name}", value)

    def column(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def clear(self) -> None:
        for name in self.FIELDS:
            setattr(self, name, ZERO if name == "consumed" else ("" if name == "state" else None))


def targets_of(state) -> list[Target]:
    return [Target(state, key) for key in TARGETS]


@dataclass(frozen=True)
class Change:
    """What ``sync`` noticed besides the new times: targets found overdue only as they stopped (recorded as
    breached, without an event: nothing is left to escalate)."""

    late: tuple[str, ...] = ()


def elapsed(t: Target, schedule, now: datetime) -> timedelta:
    """Business time this target has used up to ``now``."""
    running = business_time_between(schedule, t.since, now) if t.state == RUNNING and t.since else ZERO
    return (t.consumed or ZERO) + running


def _fold(t: Target, schedule, now: datetime) -> None:
    """Count the current run into ``consumed`` and stop running."""
    if t.state == RUNNING and t.since:
        t.consumed = elapsed(t, schedule, now)
    t.since = None
    t.due_at = None
    t.warn_at = None


def _add(schedule, start: datetime, duration: timedelta) -> datetime:
    """``duration`` of business time after ``start`` (plain time when the calendar never opens)."""
    return add_business_time(schedule, start, duration) or start + duration


def _times(t: Target, schedule, duration: timedelta, lead: timedelta) -> None:
    """Due and warning times of a running target."""
    left = duration - t.consumed
    if left > ZERO:
        t.due_at = _add(schedule, t.since, left)
    elif t.due_at is None or t.due_at > t.since:
        # Used up before this run began (a shorter target after a priority change): due when this run began.
        t.due_at = next_open(schedule, t.since) or t.since
    t.warn_at = None
    if t.warned_at is None and ZERO < lead < duration:
        before = duration - lead - t.consumed
        t.warn_at = _add(schedule, t.since, before) if before > ZERO else t.since


def _finish(t: Target, schedule, duration: timedelta, now: datetime, late: list) -> None:
    if t.state == RUNNING and t.breached_at is None and elapsed(t, schedule, now) > duration:
        t.breached_at = t.due_at or now
        late.append(t.key)
    _fold(t, schedule, now)
    t.state = DONE
    t.done_at = now


def _pause(t: Target, schedule, duration: timedelta, now: datetime, late: list) -> None:
    if t.state == RUNNING and t.breached_at is None and elapsed(t, schedule, now) > duration:
        t.breached_at = t.due_at or now
        late.append(t.key)
    _fold(t, schedule, now)
    t.state = PAUSED


def _start(t: Target, started_at: datetime) -> None:
    t.clear()
    t.state = PAUSED  # runs below when the ticket's status lets it, counting from ``since``
    t.started_at = t.since = started_at


def _cycle(t: Target, ticket) -> bool | None:
    """Open (start it), close (done) or leave (None) this target's cycle by the ticket's facts; True when it is
    finished."""
    status = ticket.status
    if t.key == FIRST_RESPONSE:
        if t.state == "":
            _start(t, ticket.created_at)
        return ticket.first_response_at is not None or status in STOPPED
    if t.key == RESOLUTION:
        if t.state == "":
            _start(t, ticket.created_at)
        if t.state == DONE and status not in STOPPED:
            t.state, t.done_at = PAUSED, None  # reopened: resumes with the time it had left
        return status == Status.RESOLVED
    # next response
    customer, agent = ticket.last_customer_message_at, ticket.last_agent_message_at
    waiting = bool(ticket.first_response_at and customer and (agent is None or customer > agent))
    if waiting and t.state in ("", DONE) and (t.started_at is None or customer > t.started_at):
        _start(t, customer)
    if t.state == "":
        return None
    return not waiting or status in STOPPED


def sync(state, *, ticket, level, schedule, now: datetime) -> Change:
    """Bring every target of ``state`` up to date with the ticket at ``now`` (the state is not saved)."""
    late: list[str] = []
    priority = PRIORITY_NAMES.get(ticket.priority, "normal")
    runs = ticket.status in CLOCK_RUNS
    for t in targets_of(state):
        minutes = level.minutes(t.key, priority) if level is not None else None
        if minutes is None:
            if t.state:
                t.clear()
            continue
        duration = timedelta(minutes=minutes)
        finished = _cycle(t, ticket)
        if finished is None:
            continue
        if finished:
            if t.state != DONE:
                _finish(t, schedule, duration, now, late)
            continue
        if runs:
            if t.state != RUNNING:
                # A fresh cycle counts from its start (``since`` set by _start); a resumed one from now.
                t.since = min(t.since, now) if t.since else now
                t.state, t.done_at = RUNNING, None
            _times(t, schedule, duration, level.warning_lead(duration))
        elif t.state == RUNNING:
            _pause(t, schedule, duration, now, late)
        else:
            t.since = None  # a fresh cycle of a ticket that waits on the customer starts counting when it runs
    state.next_check_at = next_check(state)
    return Change(tuple(late))


def rebase(state, *, old_schedule, now: datetime) -> None:
    """Before the calendar changes: count what ran so far in the old calendar; the run goes on from now."""
    for t in targets_of(state):
        if t.state == RUNNING and t.since:
            t.consumed = elapsed(t, old_schedule, now)
            t.since = now


def next_check(state) -> datetime | None:
    """The earliest warning or due time of a running target not announced yet."""
    moments = []
    for t in targets_of(state):
        if t.state != RUNNING:
            continue
        if t.warn_at and t.warned_at is None and t.breached_at is None:
            moments.append(t.warn_at)
        if t.due_at and t.breached_at is None:
            moments.append(t.due_at)
    return min(moments) if moments else None


def nearest_due(state) -> datetime | None:
    """The due time ``Ticket.sla_due_at`` mirrors: the nearest of the running targets."""
    dues = [t.due_at for t in targets_of(state) if t.state == RUNNING and t.due_at]
    return min(dues) if dues else None


def has_targets(state) -> bool:
    return any(t.state for t in targets_of(state))


def remaining(t: Target, level, priority: int, schedule, now: datetime) -> timedelta | None:
    """Business time left (negative: overdue by) for the ticket page."""
    minutes = level.minutes(t.key, PRIORITY_NAMES.get(priority, "normal")) if level else None
    if minutes is None:
        return None
    return timedelta(minutes=minutes) - elapsed(t, schedule, now)


__all__ = ["FIRST_RESPONSE", "NEXT_RESPONSE", "RESOLUTION", "sync", "rebase", "next_check", "nearest_due"]
