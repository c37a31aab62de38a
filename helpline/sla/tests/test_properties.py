"""Properties of the SLA clock (hypothesis): a due time always lies inside business hours, and it never moves
backwards as time passes without events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from helpline.calendars.schedule import is_open, schedule_from_weekly, zone_or_utc
from helpline.sla import timing
from helpline.sla.models import SlaLevel, SlaState

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
CALENDARS = [
    schedule_from_weekly(
        {day: [["09:00", "17:00"]] for day in WEEKDAYS},
        zone=zone_or_utc("Europe/Prague"),
        holidays=[date(2026, 3, 30), date(2026, 10, 26)],
        yearly_holidays=[(12, 25)],
    ),
    schedule_from_weekly(
        {day: [["22:00", "06:00"]] for day in (*WEEKDAYS, "sat", "sun")}, zone=zone_or_utc("Europe/Prague")
    ),
    schedule_from_weekly(
        {day: [["08:00", "12:00"], ["13:00", "17:30"]] for day in WEEKDAYS}, zone=zone_or_utc("America/New_York")
    ),
    schedule_from_weekly({"sat": [["02:00", "03:30"]], "sun": [["01:00", "04:00"]]}, zone=zone_or_utc("Europe/Prague")),
]

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


def _level(minutes: int, warn: int) -> SlaLevel:
    return SlaLevel(targets={"first_response": {"normal": minutes}, "resolution": {"normal": minutes * 3}},
                    warning_value=warn)  # fmt: skip


def _ticket(start: datetime):
    return SimpleNamespace(status="new", priority=2, created_at=start, first_response_at=None,
                           last_customer_message_at=start, last_agent_message_at=None)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(start=moments, minutes=st.integers(1, 6000), warn=st.integers(0, 120), calendar=st.sampled_from(CALENDARS))
def test_a_due_time_never_falls_outside_business_hours(start, minutes, warn, calendar):
    state = SlaState()
    timing.sync(state, ticket=_ticket(start), level=_level(minutes, warn), schedule=calendar, now=start)

    for t in timing.targets_of(state):
        if t.state == timing.RUNNING:
            assert is_open(calendar, t.due_at), (t.key, t.due_at)
            assert t.due_at > start
            if t.warn_at is not None:
                assert start <= t.warn_at <= t.due_at


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    minutes=st.integers(1, 6000),
    steps=st.lists(st.integers(0, 60 * 24 * 9), min_size=1, max_size=5),
    calendar=st.sampled_from(CALENDARS),
)
def test_a_due_time_never_moves_backwards_as_time_passes(start, minutes, steps, calendar):
    state, ticket, level = SlaState(), _ticket(start), _level(minutes, 10)
    timing.sync(state, ticket=ticket, level=level, schedule=calendar, now=start)
    previous = {t.key: t.due_at for t in timing.targets_of(state) if t.state == timing.RUNNING}
    assert set(previous) == {"first_response", "resolution"}
    now = start
    for step in steps:
        now += timedelta(minutes=step)
        timing.sync(state, ticket=ticket, level=level, schedule=calendar, now=now)
        for t in timing.targets_of(state):
            if t.key in previous:
                assert t.due_at >= previous[t.key]
                previous[t.key] = t.due_at
