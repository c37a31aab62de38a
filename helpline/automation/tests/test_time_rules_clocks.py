"""Business-hours time rules with a controlled clock: holidays, overnight hours, both daylight-saving changes; and
the bound the sweep selects by is exact (enough open time at it, not enough just after it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline.automation.actions import create_time_rule
from helpline.automation.tests.conftest import tags_of
from helpline.automation.timerules.clocks import bound
from helpline.automation.timerules.sweep import sweep
from helpline.calendars.models import BusinessCalendar, Holiday
from helpline.calendars.schedule import business_time_between, schedule_from_weekly, zone_or_utc
from helpline.conversations.models import Ticket
from helpline.core.actors import Actor

BERLIN = "Europe/Berlin"
WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _calendar(account, weekly, zone=BERLIN, holidays=()):
    calendar = BusinessCalendar.objects.create(account=account, name="Desk", timezone=zone, weekly=weekly)
    for day in holidays:
        Holiday.objects.create(account=account, calendar=calendar, date=day, name="Holiday")
    return calendar


def _due_between(account, make_ticket, calendar, since, minutes, before, after, clock="status_changed"):
    """A rule of ``minutes`` business minutes on a ticket whose clock is ``since``: not fired at ``before``, fired
    at ``after`` (and not before)."""
    import helpline.core.clock

    ticket = make_ticket(account)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=since)
    create_time_rule(account=account, name="Business", clock=clock, after_minutes=minutes, hours="business",
                     calendar=calendar.public_id, actions=[{"type": "add_tags", "tags": ["due"]}],
                     actor=Actor())  # fmt: skip
    original = helpline.core.clock.now
    try:
        helpline.core.clock.now = lambda: before
        assert sweep().fired == 0
        assert tags_of(ticket) == []
        helpline.core.clock.now = lambda: after
        assert sweep().fired == 1
        assert tags_of(ticket) == ["due"]
    finally:
        helpline.core.clock.now = original


@pytest.mark.django_db
def test_a_holiday_does_not_count(account, make_ticket):
    # Friday 5 June 2026 16:30 in Berlin (14:30 UTC); Monday 8 June is a holiday; one business hour is due on
    # Tuesday at 09:30 (07:30 UTC), not on the holiday Monday.
    calendar = _calendar(account, WEEKDAYS_9_TO_5, holidays=[datetime(2026, 6, 8).date()])
    _due_between(account, make_ticket, calendar, _utc(2026, 6, 5, 14, 30), 60,
                 before=_utc(2026, 6, 9, 7, 29), after=_utc(2026, 6, 9, 7, 30))  # fmt: skip


@pytest.mark.django_db
def test_calendar_hours_count_the_weekend(account, make_ticket):
    import helpline.core.clock

    ticket = make_ticket(account)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=_utc(2026, 6, 5, 14, 30))
    create_time_rule(account=account, name="Wall", clock="status_changed", after_minutes=60, hours="calendar",
                     actions=[{"type": "add_tags", "tags": ["due"]}], actor=Actor())  # fmt: skip
    original = helpline.core.clock.now
    try:
        helpline.core.clock.now = lambda: _utc(2026, 6, 5, 15, 30)
        assert sweep().fired == 1
    finally:
        helpline.core.clock.now = original


@pytest.mark.django_db
def test_overnight_hours(account, make_ticket):
    # Open 22:00–06:00 every night (UTC). Half an hour is used up before 06:00; the other half from 22:00 on.
    calendar = _calendar(account, {day: [["22:00", "06:00"]] for day in WEEKDAYS_9_TO_5} | {
        "sat": [["22:00", "06:00"]], "sun": [["22:00", "06:00"]]}, zone="UTC")  # fmt: skip
    _due_between(account, make_ticket, calendar, _utc(2026, 6, 2, 5, 30), 60,
                 before=_utc(2026, 6, 2, 22, 29), after=_utc(2026, 6, 2, 22, 30))  # fmt: skip


@pytest.mark.django_db
def test_spring_forward_counts_real_hours(account, make_ticket):
    # Sunday 29 March 2026, Berlin: clocks jump 02:00 → 03:00. Open 01:00–04:00 wall clock is two real hours
    # that night (00:00–02:00 UTC). 150 minutes are due the next night at 01:30 CEST (Sunday 23:30 UTC), not on
    # the Sunday at 03:30 as the wall clock would say.
    every_night = {day: [["01:00", "04:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    calendar = _calendar(account, every_night)
    _due_between(account, make_ticket, calendar, _utc(2026, 3, 29, 0, 0), 150,
                 before=_utc(2026, 3, 29, 23, 29), after=_utc(2026, 3, 29, 23, 30))  # fmt: skip


@pytest.mark.django_db
def test_fall_back_counts_real_hours(account, make_ticket):
    # Sunday 25 October 2026, Berlin: clocks go back 03:00 → 02:00. Open 01:00–03:00 wall clock is three real
    # hours that night (Saturday 23:00 – Sunday 02:00 UTC): 150 minutes are due at 01:30 UTC the same night.
    every_night = {day: [["01:00", "03:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    calendar = _calendar(account, every_night)
    _due_between(account, make_ticket, calendar, _utc(2026, 10, 24, 23, 0), 150,
                 before=_utc(2026, 10, 25, 1, 29), after=_utc(2026, 10, 25, 1, 30))  # fmt: skip


SCHEDULES = [
    schedule_from_weekly(WEEKDAYS_9_TO_5, zone=zone_or_utc(BERLIN), holidays=[datetime(2026, 12, 25).date()]),
    schedule_from_weekly(
        {d: [["22:00", "06:00"]] for d in ("mon", "wed", "fri")}, zone=zone_or_utc("America/New_York")
    ),
    schedule_from_weekly({"sun": [["01:00", "04:00"]]}, zone=zone_or_utc(BERLIN)),
]


@settings(max_examples=60, deadline=None)
@given(
    schedule=st.sampled_from(SCHEDULES),
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=5, max_value=60 * 24 * 20),
)
def test_the_bound_is_exact(schedule, now, minutes):
    after = timedelta(minutes=minutes)
    upto = bound(after, now, schedule)
    assert upto is not None
    assert upto <= now - after
    assert business_time_between(schedule, upto, now) >= after
    assert business_time_between(schedule, upto + timedelta(seconds=2), now) < after or upto == now - after


@pytest.mark.django_db
def test_a_rule_whose_calendar_was_deleted_does_nothing(account, make_ticket):
    calendar = _calendar(account, WEEKDAYS_9_TO_5)
    ticket = make_ticket(account)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=_utc(2026, 6, 1, 9, 0))
    rule = create_time_rule(account=account, name="Business", clock="status_changed", after_minutes=60,
                            hours="business", calendar=calendar.public_id,
                            actions=[{"type": "add_tags", "tags": ["due"]}], actor=Actor())  # fmt: skip
    calendar.delete()
    rule.refresh_from_db()
    assert (rule.hours, rule.calendar) == ("business", None)
    assert sweep(_utc(2026, 6, 20)).fired == 0
    assert tags_of(ticket) == []
