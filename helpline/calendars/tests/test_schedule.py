"""The business-hours arithmetic: exact answers for ordinary weeks, overnight hours, holidays and both
daylight-saving changes, and properties that hold for any schedule (hypothesis)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline.calendars.schedule import (
    ALWAYS_OPEN,
    Schedule,
    add_business_time,
    business_time_between,
    intervals_from,
    is_open,
    next_open,
    schedule_from_weekly,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def berlin(*parts) -> datetime:
    return datetime(*parts, tzinfo=BERLIN).astimezone(UTC)


def office(zone=BERLIN, **kwargs) -> Schedule:
    return schedule_from_weekly(WEEKDAYS_9_TO_5, zone=zone, **kwargs)


# --- is_open / next_open -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (berlin(2026, 3, 2, 8, 59), False),  # Monday before opening
        (berlin(2026, 3, 2, 9, 0), True),  # opening minute
        (berlin(2026, 3, 2, 16, 59, 59), True),
        (berlin(2026, 3, 2, 17, 0), False),  # closing is exclusive
        (berlin(2026, 3, 7, 12, 0), False),  # Saturday
    ],
)
def test_is_open_in_an_ordinary_week(at, expected):
    assert is_open(office(), at) is expected


def test_next_open_is_the_moment_itself_when_open_and_the_next_opening_otherwise():
    assert next_open(office(), berlin(2026, 3, 2, 10, 0)) == berlin(2026, 3, 2, 10, 0)
    assert next_open(office(), berlin(2026, 3, 2, 17, 0)) == berlin(2026, 3, 3, 9, 0)
    assert next_open(office(), berlin(2026, 3, 6, 18, 0)) == berlin(2026, 3, 9, 9, 0)  # Friday evening → Monday


def test_several_intervals_a_day():
    split = schedule_from_weekly({"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}, zone=BERLIN)
    assert is_open(split, berlin(2026, 3, 2, 12, 30)) is False
    assert next_open(split, berlin(2026, 3, 2, 12, 30)) == berlin(2026, 3, 2, 13, 0)
    assert add_business_time(split, berlin(2026, 3, 2, 11, 0), timedelta(hours=2)) == berlin(2026, 3, 2, 14, 0)


def test_overnight_hours_run_into_the_next_day():
    night = schedule_from_weekly({"fri": [["22:00", "02:00"]]}, zone=BERLIN)
    assert is_open(night, berlin(2026, 3, 6, 21, 59)) is False
    assert is_open(night, berlin(2026, 3, 6, 22, 0)) is True
    assert is_open(night, berlin(2026, 3, 7, 1, 59)) is True  # Saturday morning, Friday's shift
    assert is_open(night, berlin(2026, 3, 7, 2, 0)) is False
    assert next_open(night, berlin(2026, 3, 7, 2, 0)) == berlin(2026, 3, 13, 22, 0)
    assert add_business_time(night, berlin(2026, 3, 6, 23, 0), timedelta(hours=4)) == berlin(2026, 3, 13, 23, 0)


def test_from_equal_to_to_is_open_around_the_clock():
    always = schedule_from_weekly({day: [["00:00", "00:00"]] for day in ("mon", "tue")}, zone=BERLIN)
    assert is_open(always, berlin(2026, 3, 2, 0, 0)) is True
    assert is_open(always, berlin(2026, 3, 3, 23, 59)) is True
    assert is_open(always, berlin(2026, 3, 4, 0, 0)) is False
    assert add_business_time(always, berlin(2026, 3, 2, 6, 0), timedelta(hours=30)) == berlin(2026, 3, 3, 12, 0)


def test_overlapping_intervals_are_one_stretch():
    overlapping = schedule_from_weekly({"mon": [["22:00", "06:00"]], "tue": [["00:00", "08:00"]]}, zone=BERLIN)
    assert list(intervals_from(overlapping, berlin(2026, 3, 2, 0, 0)))[:1] == [
        (berlin(2026, 3, 2, 22, 0), berlin(2026, 3, 3, 8, 0))
    ]


def test_time_zones_shift_the_hours():
    at = utc(2026, 3, 2, 15, 30)  # 16:30 in Berlin, 10:30 in New York
    assert (is_open(office(BERLIN), at), is_open(office(NEW_YORK), at)) == (True, True)
    at = utc(2026, 3, 2, 16, 30)  # 17:30 in Berlin
    assert (is_open(office(BERLIN), at), is_open(office(NEW_YORK), at)) == (False, True)


def test_a_calendar_that_never_opens():
    closed = schedule_from_weekly({}, zone=BERLIN)
    assert is_open(closed, utc(2026, 3, 2, 10)) is False
    assert next_open(closed, utc(2026, 3, 2, 10)) is None
    assert add_business_time(closed, utc(2026, 3, 2, 10), timedelta(hours=1)) is None
    assert business_time_between(closed, utc(2026, 3, 2), utc(2026, 4, 2)) == timedelta(0)


def test_always_open_counts_plain_time():
    start = utc(2026, 3, 29, 0, 30)  # across Berlin's spring change, but ALWAYS_OPEN is UTC
    assert add_business_time(ALWAYS_OPEN, start, timedelta(days=7)) == start + timedelta(days=7)


# --- holidays ------------------------------------------------------------------------------------------------------


def test_a_holiday_closes_its_day_once():
    christmas = office(holidays=[date(2026, 12, 25)])
    assert is_open(christmas, berlin(2026, 12, 25, 10, 0)) is False
    assert is_open(christmas, berlin(2027, 12, 24, 10, 0)) is True
    assert next_open(christmas, berlin(2026, 12, 24, 17, 0)) == berlin(2026, 12, 28, 9, 0)  # Fri holiday, weekend


def test_a_recurring_holiday_closes_its_day_every_year():
    christmas = office(yearly_holidays=[(12, 24)])
    assert is_open(christmas, berlin(2026, 12, 24, 10, 0)) is False  # a Thursday
    assert is_open(christmas, berlin(2027, 12, 24, 10, 0)) is False  # a Friday
    assert add_business_time(christmas, berlin(2026, 12, 23, 16, 0), timedelta(hours=2)) == berlin(2026, 12, 25, 10, 0)


def test_a_night_shift_that_starts_the_evening_before_a_holiday_still_ends():
    night = schedule_from_weekly({"thu": [["22:00", "02:00"]], "fri": [["22:00", "02:00"]]}, zone=BERLIN)
    night = Schedule(weekly=night.weekly, zone=BERLIN, holidays=frozenset({date(2026, 12, 25)}))
    assert is_open(night, berlin(2026, 12, 25, 1, 0)) is True  # Thursday's shift
    assert is_open(night, berlin(2026, 12, 25, 23, 0)) is False  # Friday's shift starts on the holiday


# --- daylight saving -----------------------------------------------------------------------------------------------


def test_spring_forward_day_is_one_hour_shorter():
    around = schedule_from_weekly({"sun": [["00:00", "00:00"]]}, zone=BERLIN)
    start = berlin(2026, 3, 29, 0, 0)
    assert business_time_between(around, start, start + timedelta(days=2)) == timedelta(hours=23)
    # 01:00 + 2 h of open time: 01:00 → 02:00 (CET) and on at 03:00 CEST → 04:00 CEST.
    assert add_business_time(around, berlin(2026, 3, 29, 1, 0), timedelta(hours=2)) == utc(2026, 3, 29, 2, 0)


def test_hours_starting_in_the_spring_gap_open_when_the_clock_lands():
    gap = schedule_from_weekly({"sun": [["02:30", "04:00"]]}, zone=BERLIN)
    assert list(intervals_from(gap, utc(2026, 3, 28)))[0] == (utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0))
    assert is_open(gap, utc(2026, 3, 29, 0, 59)) is False  # 01:59 CET
    assert is_open(gap, utc(2026, 3, 29, 1, 0)) is True  # 03:00 CEST
    assert is_open(gap, utc(2026, 3, 22, 1, 30)) is True  # an ordinary Sunday: 02:30 CET


def test_hours_inside_the_spring_gap_are_closed_that_day():
    gap = schedule_from_weekly({"sun": [["02:00", "02:45"]]}, zone=BERLIN)
    assert next_open(gap, utc(2026, 3, 28)) == utc(2026, 4, 5, 0, 0)  # next Sunday, 02:00 CEST


def test_fall_back_day_is_one_hour_longer():
    around = schedule_from_weekly({"sun": [["00:00", "00:00"]]}, zone=BERLIN)
    start = berlin(2026, 10, 25, 0, 0)
    assert business_time_between(around, start, start + timedelta(days=2)) == timedelta(hours=25)


def test_fall_back_hours_cover_the_repeated_hour_once_each_way():
    night = schedule_from_weekly({"sun": [["01:00", "03:00"]]}, zone=BERLIN)
    # 01:00 CEST (23:00 UTC) to 03:00 CET (02:00 UTC): three real hours.
    assert list(intervals_from(night, utc(2026, 10, 24)))[0] == (utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 2, 0))
    assert add_business_time(night, utc(2026, 10, 24, 23, 0), timedelta(hours=2, minutes=30)) == utc(
        2026, 10, 25, 1, 30
    )  # 02:30 CET, the second time round


def test_office_hours_keep_their_wall_clock_across_the_change():
    # Friday 16:00 CET + 2 h → Monday 10:00 CEST (clocks moved on Sunday).
    assert add_business_time(office(), berlin(2026, 3, 27, 16, 0), timedelta(hours=2)) == berlin(2026, 3, 30, 10, 0)
    assert berlin(2026, 3, 30, 10, 0) == utc(2026, 3, 30, 8, 0)


def test_a_result_at_closing_time_moves_to_the_next_opening():
    assert add_business_time(office(), berlin(2026, 3, 2, 9, 0), timedelta(hours=8)) == berlin(2026, 3, 3, 9, 0)
    assert add_business_time(office(), berlin(2026, 3, 7, 9, 0), timedelta(0)) == berlin(2026, 3, 9, 9, 0)


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(office(), utc(2026, 3, 2), timedelta(minutes=-1))


# --- properties ----------------------------------------------------------------------------------------------------

ZONES = [zoneinfo.ZoneInfo(name) for name in ("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe")]
minutes = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: m - m % 15)
intervals = st.tuples(minutes, minutes)
weeks = st.lists(st.lists(intervals, max_size=3), min_size=7, max_size=7).filter(any)
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)  # spans several daylight-saving changes in every zone above
durations = st.integers(min_value=0, max_value=60 * 24 * 20).map(lambda m: timedelta(minutes=m))


@st.composite
def schedules(draw) -> Schedule:
    week = draw(weeks)
    holidays = draw(st.frozensets(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), max_size=20))
    return Schedule(weekly=tuple(tuple(day) for day in week), zone=draw(st.sampled_from(ZONES)), holidays=holidays)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(schedules(), moments, durations)
def test_a_due_time_is_inside_the_hours_not_before_the_start_and_uses_exactly_the_duration(schedule, start, duration):
    due = add_business_time(schedule, start, duration)
    assert due is not None
    assert due >= start
    assert is_open(schedule, due)
    assert business_time_between(schedule, start, due) == duration


@PROPERTY
@given(schedules(), moments, durations, st.integers(min_value=0, max_value=60 * 24 * 5))
def test_a_due_time_never_moves_backwards(schedule, start, duration, more_minutes):
    later = start + timedelta(minutes=more_minutes)
    assert add_business_time(schedule, later, duration) >= add_business_time(schedule, start, duration)
    longer = duration + timedelta(minutes=more_minutes)
    assert add_business_time(schedule, start, longer) >= add_business_time(schedule, start, duration)


@PROPERTY
@given(schedules(), moments)
def test_next_open_is_open_and_nothing_is_open_before_it(schedule, at):
    opens = next_open(schedule, at)
    assert opens is not None and opens >= at
    assert is_open(schedule, opens)
    assert business_time_between(schedule, at, opens) == timedelta(0)
    assert is_open(schedule, at) is (opens == at)


@PROPERTY
@given(schedules(), moments)
def test_open_intervals_are_ordered_disjoint_and_agree_with_the_wall_clock(schedule, at):
    stretches = []
    for stretch in intervals_from(schedule, at):
        stretches.append(stretch)
        if len(stretches) == 10:
            break
    for (begins, ends), (next_begins, _next_ends) in zip(stretches, stretches[1:], strict=False):
        assert begins < ends < next_begins
    for begins, ends in stretches:
        assert is_open(schedule, begins) and not is_open(schedule, ends)


round_the_clock = st.tuples(st.lists(st.lists(intervals, max_size=2), min_size=7, max_size=7), minutes).map(
    lambda drawn: [[*day, (drawn[1], drawn[1])] for day in drawn[0]]
)  # every day open 24 hours from the same minute, with other intervals besides


@PROPERTY
@given(round_the_clock, st.sampled_from(ZONES), moments, durations)
def test_round_the_clock_hours_take_the_short_way_to_the_walks_answer(week, zone, start, duration):
    schedule = Schedule(weekly=tuple(tuple(day) for day in week), zone=zone)
    assert schedule.always_open
    walked = Schedule(weekly=schedule.weekly, zone=zone, holidays=frozenset({date(1999, 1, 1)}))  # no shortcut
    assert not walked.always_open
    assert (
        add_business_time(schedule, start, duration) == add_business_time(walked, start, duration) == start + duration
    )
    assert next_open(schedule, start) == next_open(walked, start) == start
    assert is_open(schedule, start) and is_open(walked, start)


def test_only_hours_open_around_the_clock_every_day_without_holidays_are_always_open():
    assert ALWAYS_OPEN.always_open
    nights_off = Schedule(weekly=tuple(((0, 0),) for _ in range(6)) + (((540, 1020),),))
    assert not nights_off.always_open
    shifted = Schedule(weekly=tuple(((0, 0),) for _ in range(3)) + (((15, 15),),) + tuple(((0, 0),) for _ in range(3)))
    assert not shifted.always_open  # Thursday's day starts at 00:15: closed from 00:00 to 00:15
    assert Schedule(weekly=tuple(((540, 540), (60, 120)) for _ in range(7))).always_open
    assert not Schedule(weekly=ALWAYS_OPEN.weekly, yearly_holidays=frozenset({(12, 25)})).always_open
