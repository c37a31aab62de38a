"""The default deadline of a ticket that waits on the team and has no running SLA target.

When a ticket starts waiting (it is created, or a customer writes to an answered, postponed or resolved ticket) it is
due the department's response time later, counted in the department's business hours; a department without its own
uses the account's (Settings → Departments). Without a calendar the clock runs around the clock. The team's answer
clears the deadline. "To solve" ranks waiting tickets by it, so a ticket nobody set an SLA level on still rises.

A ticket with an SLA level (helpline.sla) gets the nearest due time of its running targets instead, written right
after each change commits; when no target of its level runs, or the level is taken away, it falls back to
``default_due_for`` below, so both agree on one column.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache

from helpline.calendars.schedule import ALWAYS_OPEN, Schedule, add_business_time
from helpline.events.decisions import decide

POLICY_TTL = 300


def _version(account_id: int) -> int:
    return cache.get_or_set(f"tosolve:policy-version:{account_id}", 1, None)


def forget_policies(account_id: int) -> None:
    """Drop the cached response times and hours of the account's departments (they changed)."""
    key = f"tosolve:policy-version:{account_id}"
    cache.set(key, _version(account_id) + 1, None)


def response_policy(account_id: int, department_id: int | None) -> tuple[timedelta, Schedule]:
    """(response time, business hours) for tickets of this department (None: no department), cached briefly."""
    key = f"tosolve:policy:{account_id}:{_version(account_id)}:{department_id or 0}"
    policy = cache.get(key)
    if policy is None:
        policy = _load_policy(account_id, department_id)
        cache.set(key, policy, POLICY_TTL)
    return policy


def _load_policy(account_id: int, department_id: int | None) -> tuple[timedelta, Schedule]:
    from helpline.calendars.models import BusinessCalendar
    from helpline.tenancy.models import Account, Department

    account = Account.objects.only("response_minutes", "calendar_id").get(pk=account_id)
    minutes, calendar_id = account.response_minutes, account.calendar_id
    if department_id:
        department = Department.objects.filter(pk=department_id, account_id=account_id).first()
        if department is not None:
            minutes = department.response_minutes or minutes
            calendar_id = department.calendar_id or calendar_id
    schedule = ALWAYS_OPEN
    if calendar_id:
        calendar = BusinessCalendar.objects.prefetch_related("holidays").filter(pk=calendar_id).first()
        if calendar is not None:
            schedule = calendar.as_schedule()
    return timedelta(minutes=minutes), schedule


def default_due_at(*, account_id: int, department_id: int | None, start: datetime) -> datetime:
    """When a ticket that starts waiting at ``start`` is due; a calendar that never opens counts plain time."""
    key = ("tosolve:policy", account_id, department_id)  # asked once per batch (its tickets share it)
    duration, schedule = decide(key, lambda: response_policy(account_id, department_id))
    return add_business_time(schedule, start, duration) or start + duration


def default_due_for(ticket) -> datetime | None:
    """The default deadline of this ticket as it stands: counted from its last customer message (or creation)
    while it waits on the team, none otherwise."""
    from helpline.conversations.statuses import WAITING_STATUSES

    if ticket.status not in WAITING_STATUSES:
        return None
    start = ticket.last_customer_message_at or ticket.created_at
    return default_due_at(account_id=ticket.account_id, department_id=ticket.department_id, start=start)
