"""The business hours a level counts in: its calendar's schedule, or around the clock without one."""

from __future__ import annotations

from helpline.calendars.schedule import ALWAYS_OPEN, Schedule


def schedule_for(calendar_id: int | None) -> Schedule:
    from helpline.calendars.models import BusinessCalendar

    if not calendar_id:
        return ALWAYS_OPEN
    calendar = BusinessCalendar.objects.prefetch_related("holidays").filter(pk=calendar_id).first()
    return calendar.as_schedule() if calendar is not None else ALWAYS_OPEN


def schedule_of(level) -> Schedule:
    return schedule_for(level.calendar_id if level is not None else None)
