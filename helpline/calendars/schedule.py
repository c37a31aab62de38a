"""Business hours as arithmetic: is a moment open, when does it open next, and a duration counted only in open time.

A ``Schedule`` is a weekly list of opening intervals per weekday in wall-clock minutes, the dates it is closed
(holidays, once or every year) and an IANA time zone. An interval whose end is not after its start runs past
midnight into the next day (22:00–02:00); an interval whose end equals its start is open around the clock from that
time. A holiday closes the intervals that *start* on it (a night shift that begins the evening before still ends in
the morning).

Each day's intervals become real instants in the zone, which keeps them right across daylight-saving changes:

* spring forward: a wall-clock time that does not exist (02:30 when clocks jump from 02:00 to 03:00) stands for the
  first moment after the gap, so 02:00–04:00 is open from 03:00 to 04:00 that day (one hour, as the wall clock shows);
* fall back: a start that happens twice is its first occurrence and an end that happens twice its second, so
  01:00–03:00 is open for the whole three real hours that night.

Every function works on UTC or aware datetimes and returns aware datetimes in UTC.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 24 * 60
# How far ahead an answer is looked for: past this a schedule counts as never open (every day a holiday).
HORIZON_DAYS = 8 * 366


@dataclass(frozen=True)
class Schedule:
    """weekly[i]: (start, end) minutes after midnight for weekday i (Monday = 0); end <= start runs overnight."""

    weekly: tuple[tuple[tuple[int, int], ...], ...]
    zone: zoneinfo.ZoneInfo = field(default_factory=lambda: zoneinfo.ZoneInfo("UTC"))
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()  # (month, day)

    @property
    def never_open(self) -> bool:
        return not any(self.weekly)

    @property
    def always_open(self) -> bool:
        """Open time is plain time: never closed for a holiday, and every day has a 24-hour interval (one that
        ends where it starts) from the same wall-clock minute, so each runs into the next day's."""
        if self.holidays or self.yearly_holidays:
            return False
        return bool(set.intersection(*({start for start, end in day if end == start} for day in self.weekly)))

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays


ALWAYS_OPEN = Schedule(weekly=tuple(((0, 0),) for _ in WEEKDAYS))


def parse_minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def schedule_from_weekly(weekly: dict, *, zone: zoneinfo.ZoneInfo, holidays=(), yearly_holidays=()) -> Schedule:
    """A Schedule from cleaned stored hours: {"mon": [["09:00", "17:00"], …], …}."""
    days = tuple(
        tuple((parse_minutes(start), parse_minutes(end)) for start, end in weekly.get(day) or ()) for day in WEEKDAYS
    )
    return Schedule(weekly=days, zone=zone, holidays=frozenset(holidays), yearly_holidays=frozenset(yearly_holidays))


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


# --- wall-clock times to instants ----------------------------------------------------------------------------------


def _exists(naive: datetime, zone) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _gap_end(naive: datetime, zone) -> datetime:
    """The first instant after the spring-forward gap that swallowed ``naive`` (found by bisection, to the second)."""
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # before the gap
    high = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)  # after it
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
            high = middle
        else:
            low = middle
    return high


def _instant(day: date, minute: int, zone, *, latest: bool) -> datetime:
    """The UTC instant of ``minute`` after midnight of ``day`` in the zone (minute may pass 24:00 into later days)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    if not _exists(naive, zone):
        return _gap_end(naive, zone)
    return naive.replace(tzinfo=zone, fold=1 if latest else 0).astimezone(UTC)


def _day_intervals(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    if schedule.is_holiday(day):
        return []
    spans = []
    for start, end in schedule.weekly[day.weekday()]:
        if end <= start:
            end += DAY
        begins = _instant(day, start, schedule.zone, latest=False)
        ends = _instant(day, end, schedule.zone, latest=True)
        if ends > begins:
            spans.append((begins, ends))
    return spans


def intervals_from(schedule: Schedule, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals that end after ``at``, in order, overlapping ones merged; stops at the horizon."""
    return _stretches(schedule, at, piece=None)


# Round-the-clock hours (and long overnight runs) would otherwise be one stretch the whole horizon long, found only
# after walking eight years of days: the questions below take open time in pieces of at most about this much.
PIECE = timedelta(days=1)


def _pieces(schedule: Schedule, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Like ``intervals_from``, but a long open stretch comes as adjacent pieces (each question only sums or
    compares open time, so touching pieces answer as the merged stretch would)."""
    return _stretches(schedule, at, piece=PIECE)


def _stretches(schedule: Schedule, at: datetime, *, piece: timedelta | None) -> Iterator[tuple[datetime, datetime]]:
    if schedule.never_open:
        return
    at = at.astimezone(UTC)
    first = at.astimezone(schedule.zone).date() - timedelta(days=2)  # an overnight interval reaches one day on
    pending: tuple[datetime, datetime] | None = None
    buffer: list[tuple[datetime, datetime]] = []
    for offset in range(HORIZON_DAYS):
        day = first + timedelta(days=offset)
        buffer.extend(_day_intervals(schedule, day))
        buffer.sort()
        # Intervals starting before the start of the day after next cannot be overtaken by later days' intervals.
        safe_before = _instant(day + timedelta(days=1), 0, schedule.zone, latest=False)
        while buffer and buffer[0][0] < safe_before:
            begins, ends = buffer.pop(0)
            if pending and begins <= pending[1]:
                if piece is not None and begins - pending[0] >= piece and begins > at:
                    yield (pending[0], begins)  # the part already known open; the stretch goes on from begins
                    pending = (begins, pending[1])
                pending = (pending[0], max(pending[1], ends))
                continue
            if pending and pending[1] > at:
                yield pending
            pending = (begins, ends)
    if pending and pending[1] > at:
        yield pending


# --- the questions (each takes a Schedule, or a calendar with ``as_schedule()``) -------------------------------------


def as_schedule(calendar) -> Schedule:
    return calendar if isinstance(calendar, Schedule) else calendar.as_schedule()


def is_open(calendar, at: datetime) -> bool:
    schedule = as_schedule(calendar)
    if schedule.always_open:
        return True
    for begins, _ends in _pieces(schedule, at):
        return begins <= at.astimezone(UTC)
    return False


def next_open(calendar, at: datetime) -> datetime | None:
    """``at`` itself when open, else the moment it opens next; None when it never opens again."""
    schedule = as_schedule(calendar)
    at = at.astimezone(UTC)
    if schedule.always_open:
        return at
    for begins, _ends in _pieces(schedule, at):
        return max(begins, at)
    return None


def add_business_time(calendar, start: datetime, duration: timedelta) -> datetime | None:
    """The moment ``duration`` of open time after ``start``; None when the hours never add up to it.

    The result always lies inside the hours: when the time runs out exactly at a closing time, the result is the
    next opening (no open time passes in between). A zero duration gives ``next_open(start)``.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    schedule = as_schedule(calendar)
    at = start.astimezone(UTC)
    if schedule.always_open:
        return at + duration
    remaining = duration
    for begins, ends in _pieces(schedule, at):
        begins = max(begins, at)
        available = ends - begins
        if remaining < available:
            return begins + remaining
        remaining -= available
    return None


def business_time_between(calendar, start: datetime, end: datetime) -> timedelta:
    """Open time from ``start`` to ``end`` (zero when end is not after start)."""
    schedule = as_schedule(calendar)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    if end <= start:
        return total
    for begins, ends in _pieces(schedule, start):
        if begins >= end:
            break
        total += min(ends, end) - max(begins, start)
    return total
