"""Departments: create, rename, members and their role there, business hours (weekly hours, holidays, time zone),
the response time that sets a waiting ticket's default deadline, and the account's defaults and To solve order.

Admins with ``departments.manage`` change every department; a department manager changes the members and hours of
the departments they manage (docs/departments.md)."""

from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.assignment.views import form_context as assignment_form_context
from helpline.calendars.actions import add_holiday, remove_holiday
from helpline.calendars.models import Holiday
from helpline.calendars.schedule import WEEKDAYS
from helpline.calendars.weekly import WEEKDAY_LABELS, day_text, parse_day_text
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy import permissions
from helpline.tenancy.actions import (
    create_department,
    set_department_hours,
    set_department_members,
    set_work_defaults,
    update_department,
)
from helpline.tenancy.models import TO_SOLVE_MODES, DepartmentMember
from helpline.tenancy.selectors import get_department, list_agents
from helpline.web.decorators import workspace_view
from helpline.web.queries import list_departments_for_settings
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "departments"
DEFAULTS = "defaults"  # error_for of the account's defaults form


def _may_manage_all(membership) -> bool:
    return membership.has_perm(permissions.MANAGE_DEPARTMENTS)


def _managed_ids(membership) -> set[int]:
    return set(
        DepartmentMember.objects.filter(
            account_id=membership.account_id, user_id=membership.user_id, role=DepartmentMember.MANAGER
        ).values_list("department_id", flat=True)
    )


def hours_text(minutes: int | None) -> str:
    """Minutes as the hours a form shows: 90 → "1.5", 480 → "8", None → ""."""
    if not minutes:
        return ""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _hours_rows(weekly: dict, posted=None) -> list[tuple[str, str, str]]:
    """(day, label, text) for the weekly hours inputs."""
    return [
        (day, WEEKDAY_LABELS[day], posted.get(f"hours-{day}", "") if posted is not None else day_text(weekly.get(day)))
        for day in WEEKDAYS
    ]


def _render(request, *, error: str = "", error_for: str = "", new_values=None, posted=None):
    """The page; ``posted`` (the form that failed) refills the inputs of the form named by ``error_for``."""
    error_for_form = error_for if posted is not None else ""
    membership = request.membership
    account = membership.account
    departments = list_departments_for_settings(account)
    manage_all = _may_manage_all(membership)
    if not manage_all:
        managed = _managed_ids(membership)
        departments = [d for d in departments if d.pk in managed]
    for d in departments:
        weekly = d.calendar.weekly if d.calendar_id else {}
        d.hours_rows = _hours_rows(weekly, posted if error_for_form == d.public_id else None)
        d.manager_ids = {m.user_id for m in d.departmentmember_set.all() if m.role == DepartmentMember.MANAGER}
        d.member_ids = {m.user_id for m in d.departmentmember_set.all()}
        d.response_hours = (
            posted.get("response_hours", "") if error_for_form == d.public_id else hours_text(d.response_minutes)
        )
    account_weekly = account.calendar.weekly if account.calendar_id else {}
    context = {
        "departments": departments,
        "manage_all": manage_all,
        "agents": list_agents(account),
        "error": error,
        "error_for": error_for,
        "new_values": new_values or {"name": "", "description": ""},
        "account_hours_rows": _hours_rows(account_weekly, posted if error_for_form == DEFAULTS else None),
        "account_calendar": account.calendar if account.calendar_id else None,
        "to_solve_modes": TO_SOLVE_MODES,
        "account_response_hours": (
            posted.get("response_hours", "") if error_for_form == DEFAULTS else hours_text(account.response_minutes)
        ),
        "time_zones": sorted(zoneinfo.available_timezones()),
        **assignment_form_context(account, departments),  # helpline.assignment
    }
    return render_section(request, KEY, "settings/departments.html", context, status=422 if error else 200)


def _department_or_404(request, public_id, *, manager_may: bool = False):
    """The account's department; 404 for another account's. Without departments.manage, 403 unless
    ``manager_may`` and the agent manages this department."""
    membership = request.membership
    department = get_department(membership.account, public_id)
    if department is None:
        raise Http404(_("No such department."))
    if not _may_manage_all(membership) and not (manager_may and department.pk in _managed_ids(membership)):
        raise PermissionDenied
    return department


def _managers_may_enter(view):
    """Signed in; the view itself checks departments.manage or the department manager role."""
    return workspace_view()(view)


@require_GET
@_managers_may_enter
def departments(request):
    if not _may_manage_all(request.membership) and not _managed_ids(request.membership):
        raise PermissionDenied
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = {
        "name": request.POST.get("name", "").strip(),
        "description": request.POST.get("description", ""),
    }
    try:
        department = create_department(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="new", new_values=values)
    return saved(request, KEY, _("Department %(name)s created.") % {"name": department.name})


@require_POST
@section_view(KEY)
def rename(request, public_id):
    department = _department_or_404(request, public_id)
    name, description = request.POST.get("name", ""), request.POST.get("description", "")
    try:
        update_department(department=department, name=name, description=description, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Department %(name)s saved.") % {"name": department.name})


@require_POST
@_managers_may_enter
def set_members(request, public_id):
    department = _department_or_404(request, public_id, manager_may=True)
    account = request.membership.account
    agents_by_id = {agent.public_id: agent for agent in list_agents(account)}
    chosen, managers = request.POST.getlist("members"), request.POST.getlist("managers")
    try:
        if any(agent_id not in agents_by_id for agent_id in [*chosen, *managers]):
            raise DomainError(_("Only agents of this account can join its departments."))
        set_department_members(
            department=department,
            users=[agents_by_id[a] for a in chosen],
            managers=[agents_by_id[a] for a in managers],
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Members of %(name)s saved.") % {"name": department.name})


def response_minutes_from(text: str) -> int | None:
    """Hours as typed ("4", "1.5"; empty: None) to whole minutes; a DomainError for anything else."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise DomainError(_("Write the response time in hours, e.g. 8 or 1.5.")) from None
    if not hours.is_finite() or hours <= 0:
        raise DomainError(_("Write the response time in hours, e.g. 8 or 1.5."))
    return max(1, int(hours * 60))


def _weekly_from(post) -> dict:
    return {day: spans for day in WEEKDAYS if (spans := parse_day_text(day, post.get(f"hours-{day}", "")))}


@require_POST
@_managers_may_enter
def set_hours(request, public_id):
    department = _department_or_404(request, public_id, manager_may=True)
    own = request.POST.get("own_hours") == "on"
    try:
        set_department_hours(
            department=department,
            own_hours=own,
            timezone=request.POST.get("timezone", ""),
            weekly=_weekly_from(request.POST) if own else None,
            response_minutes=response_minutes_from(request.POST.get("response_hours", "")),
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id, posted=request.POST)
    return saved(request, KEY, _("Business hours of %(name)s saved.") % {"name": department.name})


@require_POST
@section_view(KEY)
def set_defaults(request):
    own = request.POST.get("own_hours") == "on"
    try:
        set_work_defaults(
            account=request.membership.account,
            response_minutes=response_minutes_from(request.POST.get("response_hours", "")),
            to_solve_mode=request.POST.get("to_solve_mode", ""),
            own_hours=own,
            timezone=request.POST.get("timezone", ""),
            weekly=_weekly_from(request.POST) if own else None,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=DEFAULTS, posted=request.POST)
    return saved(request, KEY, _("Defaults saved."))


def _calendar_of(request, public_id: str | None):
    """(calendar, error_for): the department's own calendar, or the account's for public_id None."""
    if public_id is None:
        if not _may_manage_all(request.membership):
            raise PermissionDenied
        account = request.membership.account
        return (account.calendar if account.calendar_id else None), DEFAULTS
    department = _department_or_404(request, public_id, manager_may=True)
    return (department.calendar if department.calendar_id else None), public_id


@require_POST
@_managers_may_enter
def add_holiday_view(request, public_id=None):
    calendar, error_for = _calendar_of(request, public_id)
    try:
        if calendar is None:
            raise DomainError(_("Save business hours of its own first; holidays belong to them."))
        try:
            day = date.fromisoformat(request.POST.get("date", "").strip())
        except ValueError:
            raise DomainError(_("Enter the date as YYYY-MM-DD.")) from None
        add_holiday(
            calendar=calendar,
            day=day,
            name=request.POST.get("name", ""),
            recurring=request.POST.get("recurring") == "on",
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=error_for)
    return saved(request, KEY, _("Holiday added."))


@require_POST
@_managers_may_enter
def remove_holiday_view(request, holiday_id, public_id=None):
    calendar, _error_for = _calendar_of(request, public_id)
    holiday = Holiday.objects.filter(calendar=calendar, public_id=holiday_id).select_related("calendar").first()
    if calendar is None or holiday is None:
        raise Http404(_("No such holiday."))
    remove_holiday(holiday=holiday, actor=Actor(user=request.user))
    return saved(request, KEY, _("Holiday removed."))
