"""What a time rule measures and the bound the sweep selects by: a ticket's clock has run ``after_minutes`` (in
calendar time, or in a calendar's open hours) exactly when the clock column is at or before ``bound(…)``.

Business time between a moment and now only shrinks as the moment moves later, so the latest moment from which
enough open time has passed is one number per rule and sweep: found by bisection over
``helpline.calendars.schedule.business_time_between`` (the calendar maths lives there, not here). Every ticket at
or before it qualifies, none after it does, and the candidates are one index range on (account, clock).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from helpline.automation.models import TimeRule
from helpline.calendars.schedule import Schedule, business_time_between, next_open

COLUMNS: dict[str, str] = {
    TimeRule.CREATED: "created_at",
    TimeRule.CUSTOMER_MESSAGE: "last_customer_message_at",
    TimeRule.AGENT_MESSAGE: "last_agent_message_at",
    TimeRule.STATUS_CHANGED: "status_changed_at",
}

# Past this much wall-clock time a calendar that has not gathered the hours counts as never reaching them.
LOOKBACK = timedelta(days=3 * 366)
PRECISION = timedelta(seconds=1)


def column(clock: str) -> str:
    return COLUMNS[clock]


def bound(after: timedelta, now: datetime, schedule: Schedule | None = None) -> datetime | None:
    """The latest clock value from which ``after`` has passed by ``now``: in calendar time when ``schedule`` is
    None, else in its open hours (None when not even ``LOOKBACK`` ago gathers that much open time)."""
    latest = now - after  # open time never exceeds wall-clock time
    if schedule is None or after <= timedelta(0):
        return latest
    if business_time_between(schedule, latest, now) >= after:
        return latest  # open all along
    span = after * 2
    while business_time_between(schedule, now - span, now) < after:
        if span > LOOKBACK:
            return None
        span *= 2
    early, late = now - span, latest  # early gathers enough, late does not
    while late - early > PRECISION:
        middle = early + (late - early) / 2
        if business_time_between(schedule, middle, now) >= after:
            early = middle
        else:
            late = middle
    # The exact moment lies in [early, late): inside the hours open time shrinks second for second (step over the
    # surplus); in closed time it stays flat up to the next opening.
    exact = [early + (business_time_between(schedule, early, now) - after), next_open(schedule, early)]
    fits = [
        t for t in exact if t is not None and early <= t < late and business_time_between(schedule, t, now) >= after
    ]
    return max(fits, default=early)


def elapsed(since: datetime, now: datetime, schedule: Schedule | None = None) -> timedelta:
    """How long the clock has run (what "Test on a ticket" shows)."""
    if schedule is None:
        return max(now - since, timedelta(0))
    return business_time_between(schedule, since, now)
