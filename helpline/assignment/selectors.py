"""Reads for automatic assignment: the settings that apply, who is available, how loaded each agent is."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q

from helpline.assignment.models import STRATEGIES, AssignmentSetting, Mode
from helpline.conversations.statuses import WAITING_STATUSES

ENABLED_TTL = 3600


def _enabled_key(account_id: int) -> str:
    return f"assignment:enabled:{account_id}"


def forget_enabled(account_id: int) -> None:
    cache.delete(_enabled_key(account_id))


def assignment_enabled(account_id: int) -> bool:
    """Whether any department (or the account's default) assigns automatically; cached, so an account that
    never turned it on pays no query per new ticket."""
    enabled = cache.get(_enabled_key(account_id))
    if enabled is None:
        enabled = AssignmentSetting.objects.filter(account_id=account_id, mode__in=STRATEGIES).exists()
        cache.set(_enabled_key(account_id), enabled, ENABLED_TTL)
    return enabled


def account_default(account) -> AssignmentSetting:
    """The account's default; an unsaved "off" when it was never set."""
    return AssignmentSetting.objects.filter(account=account, department__isnull=True).first() or AssignmentSetting(
        account=account, mode=Mode.OFF
    )


def department_settings(account) -> dict[int, AssignmentSetting]:
    """Each department's own setting by department id (departments without one inherit), one query."""
    return {s.department_id: s for s in AssignmentSetting.objects.filter(account=account, department__isnull=False)}


def effective(account_id: int, department_id: int | None) -> tuple[str, int | None]:
    """(mode, max open tickets per agent) for tickets of this department (None: no department), one query."""
    rows = {
        s.department_id: s
        for s in AssignmentSetting.objects.filter(account_id=account_id).filter(
            Q(department__isnull=True) | Q(department_id=department_id)
        )
    }
    default = rows.get(None)
    own = rows.get(department_id) if department_id else None
    mode = own.mode if own is not None and own.mode != Mode.INHERIT else (default.mode if default else Mode.OFF)
    max_open = own.max_open if own is not None and own.max_open is not None else (default.max_open if default else None)
    return (Mode.OFF if mode == Mode.INHERIT else mode), max_open


def available_user_ids(account_id: int, user_ids) -> set[int]:
    """Agents available for tickets now: their workspace is open (an AgentConnection) and they are not away on any
    channel (idle, or set away by hand)."""
    from helpline.routing.models import AgentConnection, Presence, PresenceInterval

    user_ids = list(user_ids)
    connected = set(
        AgentConnection.objects.filter(account_id=account_id, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    if not connected:
        return set()
    away = set(
        PresenceInterval.objects.filter(
            account_id=account_id, user_id__in=connected, state=Presence.AWAY, ended_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return connected - away


def open_ticket_counts(account_id: int, user_ids, *, exclude_ticket_id: int | None = None) -> dict[int, int]:
    """Waiting (new or open) tickets assigned to each agent: the load automatic assignment balances and caps."""
    from helpline.conversations.models import Ticket

    qs = Ticket.objects.filter(account_id=account_id, assignee_id__in=list(user_ids), status__in=WAITING_STATUSES)
    if exclude_ticket_id is not None:
        qs = qs.exclude(pk=exclude_ticket_id)
    counts = dict(qs.values("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n"))
    return {uid: counts.get(uid, 0) for uid in user_ids}


def with_assignment(departments: list) -> list:
    """The departments with their own setting attached (``_assignment``; None: inherits), in one query."""
    by_department = {
        s.department_id: s for s in AssignmentSetting.objects.filter(department_id__in=[d.pk for d in departments])
    }
    for department in departments:
        department._assignment = by_department.get(department.pk)
    return departments


def department_assignment(department) -> dict:
    """{"mode", "max_open_tickets"} of the department's own setting ("inherit" without one)."""
    if not hasattr(department, "_assignment"):
        with_assignment([department])
    own = department._assignment
    return {"mode": own.mode if own else Mode.INHERIT, "max_open_tickets": own.max_open if own else None}
