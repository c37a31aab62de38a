"""Departments and their members."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.calendars.actions import save_calendar
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events.types import DepartmentChanged
from helpline.security import audit
from helpline.tenancy.models import Department, DepartmentMember, Membership
from helpline.tenancy.plans import ensure_within_limit
from helpline.tenancy.selectors import forget_account_lists

MAX_RESPONSE_MINUTES = 366 * 24 * 60


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A department needs a name."))
    return name[:100]


@transaction.atomic
def create_department(*, account, name: str, description: str = "", actor: Actor = SYSTEM) -> Department:
    ensure_within_limit(account, "departments")
    try:
        with transaction.atomic():
            department = Department.objects.create(account=account, name=_name(name), description=description)
    except IntegrityError as exc:
        raise Conflict(_("A department with that name exists already.")) from exc
    audit.record(
        account=account, actor=actor, action="department.created", subject=department, data={"name": department.name}
    )
    forget_account_lists(account.pk)
    return department


@transaction.atomic
def update_department(*, department: Department, name: str, description: str = "", actor: Actor = SYSTEM):
    department.name = _name(name)
    department.description = description
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError as exc:
        raise Conflict(_("A department with that name exists already.")) from exc
    audit.record(
        account=department.account,
        actor=actor,
        action="department.updated",
        subject=department,
        data={"name": department.name},
    )
    forget_account_lists(department.account_id)
    return department


@transaction.atomic
def set_department_members(*, department: Department, users, managers=(), actor: Actor = SYSTEM) -> None:
    """The department's members are ``users``; those also in ``managers`` are its department managers."""
    users = list(users)
    manager_ids = {u.pk for u in managers}
    if manager_ids - {u.pk for u in users}:
        raise DomainError(_("A department manager is a member of the department."))
    member_ids = set(
        Membership.objects.filter(account_id=department.account_id, user__in=users, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if len(member_ids) != len({u.pk for u in users}):
        raise DomainError(_("Only agents of this account can join its departments."))
    DepartmentMember.objects.filter(department=department).exclude(user_id__in=member_ids).delete()
    present = set(DepartmentMember.objects.filter(department=department).values_list("user_id", flat=True))
    DepartmentMember.objects.bulk_create(
        [
            DepartmentMember(account_id=department.account_id, department=department, user_id=uid)
            for uid in member_ids - present
        ]
    )
    rows = DepartmentMember.objects.filter(department=department)
    rows.filter(user_id__in=manager_ids).update(role=DepartmentMember.MANAGER)
    rows.exclude(user_id__in=manager_ids).update(role=DepartmentMember.AGENT)
    audit.record(
        account=department.account,
        actor=actor,
        action="department.members_set",
        subject=department,
        data={"members": sorted(member_ids), "managers": sorted(manager_ids)},
    )
    _changed(department, "members", actor)


def _changed(department: Department, change: str, actor: Actor) -> None:
    publish_on_commit(
        DepartmentChanged(
            account_id=department.account_id, actor_user_id=actor.user_id, department_id=department.pk, change=change
        )
    )


def _response_minutes(value, *, required: bool) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_RESPONSE_MINUTES:
        raise DomainError(
            _("The response time is a number of minutes from 1 to %(max)d.") % {"max": MAX_RESPONSE_MINUTES}
        )
    return minutes


@transaction.atomic
def set_department_hours(
    *,
    department: Department,
    own_hours: bool,
    timezone: str = "",
    weekly=None,
    response_minutes=None,
    actor: Actor = SYSTEM,
) -> Department:
    """The department's own business hours (a calendar of its own) and response time; without ``own_hours`` it
    follows the account's hours. An empty response time follows the account's."""
    minutes = _response_minutes(response_minutes, required=False)
    calendar = department.calendar if department.calendar_id else None
    if own_hours:
        calendar = save_calendar(
            account=department.account, calendar=calendar, name=department.name, timezone=timezone,
            weekly=weekly or {}, actor=actor,
        )  # fmt: skip
    changed = audit.apply_changes(
        department, {"calendar": calendar if own_hours else None, "response_minutes": minutes}
    )
    if changed:
        department.save(update_fields=["calendar", "response_minutes"])
        audit.record(
            account=department.account, actor=actor, action="department.hours_set", subject=department, data=changed
        )
    _changed(department, "hours", actor)
    return department


@transaction.atomic
def set_work_defaults(
    *, account, response_minutes, to_solve_mode: str, own_hours: bool, timezone: str = "", weekly=None,
    actor: Actor = SYSTEM,
):  # fmt: skip
    """The account's defaults: response time and business hours of tickets whose department has none of its own
    (around the clock without ``own_hours``), and the order of To solve."""
    from helpline.tenancy.models import TO_SOLVE_MODES

    if to_solve_mode not in dict(TO_SOLVE_MODES):
        raise DomainError(_("Choose one of the listed orders for To solve."))
    minutes = _response_minutes(response_minutes, required=True)
    calendar = account.calendar if account.calendar_id else None
    if own_hours:
        calendar = save_calendar(
            account=account, calendar=calendar, name=_("Account business hours"), timezone=timezone,
            weekly=weekly or {}, actor=actor,
        )  # fmt: skip
    values = {"calendar": calendar if own_hours else None, "response_minutes": minutes, "to_solve_mode": to_solve_mode}
    changed = audit.apply_changes(account, values)
    if changed:
        account.save(update_fields=["calendar", "response_minutes", "to_solve_mode"])
        audit.record(account=account, actor=actor, action="account.work_defaults_set", subject=account, data=changed)
    publish_on_commit(
        DepartmentChanged(account_id=account.pk, actor_user_id=actor.user_id, department_id=0, change="defaults")
    )
    return account
