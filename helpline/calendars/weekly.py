"""Checking stored weekly hours: {"mon": [["09:00", "17:00"], …], …} with known days and valid HH:MM times."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.calendars.schedule import WEEKDAYS
from helpline.core.errors import DomainError

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
MAX_INTERVALS_PER_DAY = 6


def clean_interval(day: str, span) -> list[str]:
    """["HH:MM", "HH:MM"] (from, to) for this weekday, or a DomainError naming the day."""
    if not isinstance(span, list | tuple) or len(span) != 2:
        raise DomainError(_("%(day)s needs a from and a to time.") % {"day": WEEKDAY_LABELS[day]})
    start, end = (str(value).strip() for value in span)
    if not TIME.match(start) or not TIME.match(end):
        raise DomainError(_("%(day)s: write times as HH:MM, from 00:00 to 23:59.") % {"day": WEEKDAY_LABELS[day]})
    return [start, end]


def check_days(weekly) -> None:
    if not isinstance(weekly, dict):
        raise DomainError(_("Business hours are a weekly schedule of from / to times."))
    unknown = set(weekly) - set(WEEKDAYS)
    if unknown:
        raise DomainError(_("Unknown weekday: %(day)s.") % {"day": ", ".join(sorted(map(str, unknown)))})


def clean_weekly(weekly) -> dict[str, list[list[str]]]:
    """Each day's opening intervals, in weekday order and by start time; a day without intervals is left out."""
    check_days(weekly)
    cleaned = {}
    for day in WEEKDAYS:
        spans = weekly.get(day)
        if not spans:
            continue
        if not isinstance(spans, list | tuple):
            raise DomainError(_("%(day)s needs a from and a to time.") % {"day": WEEKDAY_LABELS[day]})
        if len(spans) > MAX_INTERVALS_PER_DAY:
            raise DomainError(
                _("%(day)s: at most %(count)d opening intervals.")
                % {"day": WEEKDAY_LABELS[day], "count": MAX_INTERVALS_PER_DAY}
            )
        cleaned[day] = sorted(clean_interval(day, span) for span in spans)
    return cleaned


def day_text(spans) -> str:
    """A day's intervals as a form shows them: "09:00-12:00, 13:00-17:00"."""
    return ", ".join(f"{start}-{end}" for start, end in spans or ())


def parse_day_text(day: str, text: str) -> list[list[str]]:
    """The intervals typed for a day ("09:00-12:00, 13:00-17:00"; empty: closed), checked as clean_weekly does."""
    spans = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = [piece.strip() for piece in part.replace("–", "-").split("-")]
        if len(pieces) != 2:
            raise DomainError(
                _("%(day)s: write each interval as from-to, e.g. 09:00-17:00, separated by commas.")
                % {"day": WEEKDAY_LABELS[day]}
            )
        spans.append(clean_interval(day, pieces))
    return spans
