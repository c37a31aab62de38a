"""Reads of tenancy data, always scoped."""

from __future__ import annotations

from helpline.tenancy.models import Department, Membership, User


def memberships_of(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("account", "custom_role")
        .order_by("account__name")
    )


def membership_for(user, account_public_id: str | None) -> Membership | None:
    """The user's membership in that account, or their first one when none is chosen."""
    qs = Membership.objects.filter(user=user, is_active=True).select_related("account", "custom_role")
    if account_public_id:
        return qs.filter(account__public_id=account_public_id).first()
    return qs.order_by("account__name").first()


def list_agents(account) -> list[User]:
    return list(
        User.objects.filter(memberships__account=account, memberships__is_active=True).order_by("name", "email")
    )


def get_agent(account, public_id: str) -> User | None:
    return User.objects.filter(public_id=public_id, memberships__account=account, memberships__is_active=True).first()


def list_departments(account) -> list[Department]:
    return list(Department.objects.filter(account=account).order_by("name"))


def get_department(account, public_id: str) -> Department | None:
    return Department.objects.filter(account=account, public_id=public_id).first()
