"""Departments and their members."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.security import audit
from helpline.tenancy.models import Department, DepartmentMember, Membership
from helpline.tenancy.plans import ensure_within_limit
from helpline.tenancy.selectors import forget_account_lists


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
def set_department_members(*, department: Department, users, actor: Actor = SYSTEM) -> None:
    users = list(users)
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
    audit.record(
        account=department.account,
        actor=actor,
        action="department.members_set",
        subject=department,
        data={"members": sorted(member_ids)},
    )
