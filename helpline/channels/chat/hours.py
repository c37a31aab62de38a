"""Business hours of a chat button: a weekly schedule of wall-clock times in the account's time zone.

``ChatButton.business_hours`` maps a weekday ("mon" … "sun") to ``["HH:MM", "HH:MM"]`` (from, to); a day that is
missing is closed. A "to" earlier than "from" runs past midnight into the next day (22:00–02:00); "to" equal to
"from" is open around the clock from that time. Outside the hours the widget shows the offline contact form.
The checks and the clock maths are helpline.calendars' (one interval a day here), so daylight-saving changes are
handled as there.
"""

from __future__ import annotations

from datetime import datetime

from helpline.calendars import schedule as calendar
from helpline.calendars.weekly import WEEKDAY_LABELS, check_days, clean_interval
from helpline.core import clock

WEEKDAYS = calendar.WEEKDAYS
__all__ = ["WEEKDAYS", "WEEKDAY_LABELS", "clean_hours", "is_open", "schedule_of"]


def clean_hours(schedule) -> dict[str, list[str]]:
    """{"mon": ["09:00", "17:00"], …} with known days and valid HH:MM times, in weekday order."""
    check_days(schedule)
    return {day: clean_interval(day, schedule[day]) for day in WEEKDAYS if schedule.get(day) is not None}


def schedule_of(button) -> calendar.Schedule:
    weekly = {day: [span] for day, span in (button.business_hours or {}).items()}
    return calendar.schedule_from_weekly(weekly, zone=calendar.zone_or_utc(button.account.timezone))


def is_open(button, at: datetime | None = None) -> bool:
    """Is the button within its business hours now (or ``at``)? A button without business hours is always open."""
    if not button.hours_enabled:
        return True
    return calendar.is_open(schedule_of(button), at or clock.now())
