"""Changing routing settings: the account's, a department's strategy, an agent's priority and chat limit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.routing.models import AccountRouting, AgentRouting, DepartmentRouting, Strategy
from helpline.security import audit
from helpline.tenancy.models import Membership

LIMITS = {
    "ring_seconds": (5, 600),
    "chat_limit": (1, 50),
    "auto_pause_after": (0, 100),
    "idle_release_minutes": (0, 1440),
    "priority": (1, 100),
}


def _bounded(name: str, value, label) -> int:
    low, high = LIMITS[name]
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}) from exc
    if not low <= number <= high:
        raise DomainError(
            _("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high}
        )
    return number


def _strategy(value: str) -> str:
    if value not in Strategy.values:
        raise DomainError(_("Unknown routing strategy."))
    return value


@transaction.atomic
def update_routing_settings(
    *,
    account,
    strategy: str,
    ring_seconds,
    chat_limit,
    auto_pause_after,
    idle_release_minutes,
    actor: Actor = SYSTEM,
) -> AccountRouting:
    values = {
        "strategy": _strategy(strategy),
        "ring_seconds": _bounded("ring_seconds", ring_seconds, _("Ring time")),
        "chat_limit": _bounded("chat_limit", chat_limit, _("Chats at once")),
        "auto_pause_after": _bounded("auto_pause_after", auto_pause_after, _("Missed chats before a pause")),
        "idle_release_minutes": _bounded("idle_release_minutes", idle_release_minutes, _("Idle time")),
    }
    routing, _created = AccountRouting.objects.update_or_create(account=account, defaults=values)
    audit.record(account=account, actor=actor, action="routing.updated", subject=account, data=values)
    return routing


@transaction.atomic
def set_department_strategy(*, department, strategy: str, actor: Actor = SYSTEM) -> DepartmentRouting | None:
    """An empty strategy makes the department follow the account's."""
    if not strategy:
        DepartmentRouting.objects.filter(department=department).delete()
        result = None
    else:
        result, _created = DepartmentRouting.objects.update_or_create(
            department=department, defaults={"account_id": department.account_id, "strategy": _strategy(strategy)}
        )
    audit.record(
        account=department.account,
        actor=actor,
        action="routing.department_updated",
        subject=department,
        data={"strategy": strategy or None},
    )
    return result


@transaction.atomic
def set_agent_routing(*, account, user, priority, chat_limit=None, actor: Actor = SYSTEM) -> AgentRouting:
    """An agent's priority (1 rings first … 100 last) and own chat limit (None: the account's)."""
    if not Membership.objects.filter(account=account, user=user).exists():
        raise DomainError(_("That agent does not work in this account."))
    values = {"priority": _bounded("priority", priority, _("Priority"))}
    values["chat_limit"] = None if chat_limit in (None, "") else _bounded("chat_limit", chat_limit, _("Chats at once"))
    profile, _created = AgentRouting.objects.update_or_create(account=account, user=user, defaults=values)
    audit.record(account=account, actor=actor, action="routing.agent_updated", subject=user, data=values)
    return profile
