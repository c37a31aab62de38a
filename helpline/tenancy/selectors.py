"""Reads of tenancy data, always scoped."""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

from helpline.tenancy.models import Department, Membership, User

# Lists of an account's agents, departments and tags cached by the screens that show them on every request
# (the inbox's filter bar) live under a per-account version: the actions that change them call
# forget_account_lists(), and the next read builds them afresh. The TTL bounds staleness where the cache is
# not shared between processes (the in-memory cache of a single-process install).
ACCOUNT_LISTS_TTL = 300


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


def list_agent_choices(account) -> list[tuple[str, str]]:
    """(public id, display name) of the account's active agents, as list_agents orders them."""
    rows = (
        User.objects.filter(memberships__account=account, memberships__is_active=True)
        .order_by("name", "email")
        .values_list("public_id", "name", "email")
    )
    return [(public_id, name or email) for public_id, name, email in rows]  # name or email: User.display_name


def get_agent(account, public_id: str) -> User | None:
    return User.objects.filter(public_id=public_id, memberships__account=account, memberships__is_active=True).first()


def list_departments(account) -> list[Department]:
    return list(Department.objects.filter(account=account).order_by("name"))


def list_department_choices(account) -> list[tuple[str, str]]:
    """(public id, name) of the account's departments, by name."""
    return list(Department.objects.filter(account=account).order_by("name").values_list("public_id", "name"))


def get_department(account, public_id: str) -> Department | None:
    return Department.objects.filter(account=account, public_id=public_id).first()


def _lists_version_key(account_id: int) -> str:
    return f"account-lists-version:{account_id}"


def account_lists_version(account_id: int) -> str:
    """The current version of the account's cached lists; part of the cache key of each of them."""
    key = _lists_version_key(account_id)
    version = cache.get(key)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(key, version, None):
            version = cache.get(key) or version
    return version


def forget_account_lists(account_id: int) -> None:
    """The account's agents, departments or tags change: drop the cached lists now and again after commit.

    Now, so this request and thread see the change; after commit, so a list cached by another request that
    read the rows before the commit is not kept.
    """
    key = _lists_version_key(account_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
