"""Business calendars: save the weekly hours and the time zone, add and remove holidays."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.calendars.models import BusinessCalendar, Holiday
from helpline.calendars.weekly import clean_weekly
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events.bus import publish_on_commit
from helpline.events.types import BusinessCalendarChanged
from helpline.security import audit


def clean_timezone(name: str) -> str:
    name = (name or "").strip()
    if name not in zoneinfo.available_timezones():
        raise DomainError(_("Unknown time zone %(zone)s; pick one such as Europe/Berlin.") % {"zone": name or "—"})
    return name


def _published(calendar: BusinessCalendar, change: str, actor: Actor) -> None:
    publish_on_commit(
        BusinessCalendarChanged(
            account_id=calendar.account_id, actor_user_id=actor.user_id, calendar_id=calendar.pk, change=change
        )
    )


@transaction.atomic
def save_calendar(
    *, account, calendar: BusinessCalendar | None = None, name: str, timezone: str, weekly, actor: Actor = SYSTEM
) -> BusinessCalendar:
    """Create the calendar (``calendar`` None) or change its name, time zone and weekly hours."""
    values = {"name": (name or "").strip()[:100] or _("Business hours"), "timezone": clean_timezone(timezone)}
    values["weekly"] = clean_weekly(weekly)
    if calendar is None:
        calendar = BusinessCalendar.objects.create(account=account, **values)
        audit.record(account=account, actor=actor, action="calendar.created", subject=calendar, data=values)
        _published(calendar, "created", actor)
        return calendar
    if calendar.account_id != account.pk:
        raise DomainError(_("No such calendar."))
    changed = audit.apply_changes(calendar, values)
    if changed:
        calendar.save()
        audit.record(account=account, actor=actor, action="calendar.changed", subject=calendar, data=changed)
        _published(calendar, "updated", actor)
    return calendar


@transaction.atomic
def add_holiday(
    *, calendar: BusinessCalendar, day: date, name: str = "", recurring: bool = False, actor: Actor = SYSTEM
) -> Holiday:
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(
                account_id=calendar.account_id, calendar=calendar, date=day, name=(name or "").strip()[:100],
                recurring=bool(recurring),
            )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("%(date)s is a holiday already.") % {"date": day.isoformat()}) from exc
    audit.record(
        account=calendar.account,
        actor=actor,
        action="calendar.holiday_added",
        subject=calendar,
        data={"date": day.isoformat(), "name": holiday.name, "recurring": holiday.recurring},
    )
    _published(calendar, "holidays", actor)
    return holiday


@transaction.atomic
def remove_holiday(*, holiday: Holiday, actor: Actor = SYSTEM) -> None:
    calendar = holiday.calendar
    data = {"date": holiday.date.isoformat(), "name": holiday.name}
    holiday.delete()
    audit.record(account=calendar.account, actor=actor, action="calendar.holiday_removed", subject=calendar, data=data)
    _published(calendar, "holidays", actor)
