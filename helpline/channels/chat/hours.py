"""Business hours of a chat button: a weekly schedule of wall-clock times in the account's time zone.

``ChatButton.business_hours`` maps a weekday ("mon" … "sun") to ``["HH:MM", "HH:MM"]`` (from, to); a day that is
missing is closed. A "to" earlier than "from" runs past midnight into the next day (22:00–02:00); "to" equal to
"from" is open around the clock from that time. Times are compared as local wall-clock times, so a schedule keeps
its meaning across daylight-saving changes. Outside the hours the widget shows the offline contact form.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.core import clock
from helpline.core.errors import DomainError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = {
    "mon": gettext_lazy("Monday"),
    "tue": gettext_lazy("Tuesday"),
    "wed": gettext_lazy("Wednesday"),
    "thu": gettext_lazy("Thursday"),
    "fri": gettext_lazy("Friday"),
    "sat": gettext_lazy("Saturday"),
    "sun": gettext_lazy("Sunday"),
}
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def clean_hours(schedule) -> dict[str, list[str]]:
    """{"mon": ["09:00", "17:00"], …} with known days and valid HH:MM times, in weekday order."""
    if not isinstance(schedule, dict):
        raise DomainError(_("Business hours are a weekly schedule of from / to times."))
    unknown = set(schedule) - set(WEEKDAYS)
    if unknown:
        raise DomainError(_("Unknown weekday: %(day)s.") % {"day": ", ".join(sorted(map(str, unknown)))})
    cleaned = {}
    for day in WEEKDAYS:
        span = schedule.get(day)
        if span is None:
            continue
        if not isinstance(span, list | tuple) or len(span) != 2:
            raise DomainError(_("%(day)s needs a from and a to time.") % {"day": WEEKDAY_LABELS[day]})
        start, end = (str(value).strip() for value in span)
        if not TIME.match(start) or not TIME.match(end):
            raise DomainError(_("%(day)s: write times as HH:MM, from 00:00 to 23:59.") % {"day": WEEKDAY_LABELS[day]})
        cleaned[day] = [start, end]
    return cleaned


def account_zone(account) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(account.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_open_at(schedule: dict, local: datetime) -> bool:
    """Is ``local`` (a wall-clock time in the schedule's zone) inside the schedule?"""
    minute = local.hour * 60 + local.minute
    today = schedule.get(WEEKDAYS[local.weekday()])
    if today:
        start, end = _minutes(today[0]), _minutes(today[1])
        if start < end and start <= minute < end:
            return True
        if start >= end and minute >= start:  # runs past midnight (or around the clock)
            return True
    yesterday = schedule.get(WEEKDAYS[(local.weekday() - 1) % 7])
    if yesterday:
        start, end = _minutes(yesterday[0]), _minutes(yesterday[1])
        if start >= end and minute < end:  # yesterday's hours reaching into today
            return True
    return False


def is_open(button, at: datetime | None = None) -> bool:
    """Is the button within its business hours now (or ``at``)? A button without business hours is always open."""
    if not button.hours_enabled:
        return True
    local = (at or clock.now()).astimezone(account_zone(button.account))
    return is_open_at(button.business_hours or {}, local)
