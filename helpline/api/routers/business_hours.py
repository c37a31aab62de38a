"""/departments/{id}/hours and /departments/{id}/holidays: a department's business hours and response time."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of
from helpline.api.schemas.business_hours import BusinessHoursIn, BusinessHoursOut, HolidayIn, HolidayOut
from helpline.api.schemas.common import responses
from helpline.calendars import actions as calendars
from helpline.calendars.models import Holiday
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy import actions

router = Router(tags=["departments"])


def _hours(department) -> dict:
    calendar = department.calendar if department.calendar_id else None
    return {
        "own_hours": calendar is not None,
        "timezone": calendar.timezone if calendar else None,
        "weekly": calendar.weekly if calendar else {},
        "holidays": list(calendar.holidays.order_by("date", "id")) if calendar else [],
        "response_minutes": department.response_minutes,
    }


@router.get("/departments/{id}/hours", response=responses({200: BusinessHoursOut}), summary="Get business hours")
def get_department_hours(request, id: str):
    return _hours(selectors.access_department(account_of(request), id))


@router.put("/departments/{id}/hours", response=responses({200: BusinessHoursOut}), summary="Set business hours")
def set_department_hours(request, id: str, payload: BusinessHoursIn):
    """With `own_hours` false the department follows the account's hours (and `timezone`, `weekly` are ignored).
    An interval whose `to` is not after its `from` runs overnight; a null `response_minutes` follows the account's
    default. Tickets that start waiting afterwards get deadlines from these hours (see docs/to-solve.md)."""
    department = selectors.access_department(account_of(request), id)
    actions.set_department_hours(
        department=department, own_hours=payload.own_hours, timezone=payload.timezone, weekly=payload.weekly,
        response_minutes=payload.response_minutes, actor=actor_of(request),
    )  # fmt: skip
    department.refresh_from_db()
    return _hours(department)


def _calendar_of(request, id: str):
    department = selectors.access_department(account_of(request), id)
    if not department.calendar_id:
        raise DomainError(_("The department has no business hours of its own; set them first."), code="no_hours")
    return department.calendar


@router.post("/departments/{id}/holidays", response=responses({201: HolidayOut}, 409), summary="Add a holiday")
def add_department_holiday(request, id: str, payload: HolidayIn):
    """A closed day of the department's own hours; `recurring` repeats it every year. 409 when the date is taken."""
    calendar = _calendar_of(request, id)
    holiday = calendars.add_holiday(
        calendar=calendar, day=payload.date, name=payload.name, recurring=payload.recurring, actor=actor_of(request)
    )
    return 201, holiday


@router.delete("/departments/{id}/holidays/{holiday_id}", response=responses({204: None}), summary="Remove a holiday")
def remove_department_holiday(request, id: str, holiday_id: str):
    calendar = _calendar_of(request, id)
    holiday = Holiday.objects.filter(calendar=calendar, public_id=holiday_id[:16]).select_related("calendar").first()
    if holiday is None:
        raise NotFound(_("No such holiday."))
    calendars.remove_holiday(holiday=holiday, actor=actor_of(request))
    return 204, None
