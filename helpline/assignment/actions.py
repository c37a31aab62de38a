"""Automatic ticket assignment: choose an available agent of the ticket's department and assign the ticket.

Who qualifies: an active member of the department (of the account for a ticket without one: the same pool chat
routing uses, ``routing.selectors.department_pool``), available for tickets (``selectors.available_user_ids``),
under the cap of open tickets, and only while the department's business hours are open (the calendar the
deadlines use, ``tosolve.deadlines.response_policy``). Nobody qualifies: the ticket stays unassigned, and the
sweep (``assign_waiting``: when an agent comes online, and every minute) assigns it later.

Round robin takes the next agent after the one it chose last, in a fixed order; least loaded takes the agent with
the fewest open tickets (``routing.strategies.choose`` with LEAST_BUSY: ties by routing priority, then the agent
who joined first). The department's setting row is locked while choosing, so concurrent assignments take turns
and see each other's choices.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.assignment import selectors
from helpline.assignment.models import STRATEGIES, AssignmentSetting, Mode
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit

log = logging.getLogger(__name__)
SWEEP_BATCH = 200
_TICKETS_DEPARTMENT = object()


def _pointer(account_id: int, department_id: int | None) -> AssignmentSetting:
    """The setting row holding the round-robin position, locked (created on first use)."""
    qs = AssignmentSetting.objects.select_for_update().filter(account_id=account_id)
    qs = qs.filter(department_id=department_id) if department_id else qs.filter(department__isnull=True)
    row = qs.first()
    if row is None:
        try:
            with transaction.atomic():
                AssignmentSetting.objects.create(
                    account_id=account_id,
                    department_id=department_id,
                    mode=Mode.INHERIT if department_id else Mode.OFF,
                )
        except IntegrityError:  # created meanwhile by a concurrent assignment
            pass
        row = qs.get()
    return row


def _open_now(account_id: int, department_id: int | None) -> bool:
    from helpline.calendars.schedule import is_open
    from helpline.tosolve.deadlines import response_policy

    _duration, schedule = response_policy(account_id, department_id)
    return schedule.never_open or is_open(schedule, clock.now())


def _candidates(ticket, department_id: int | None, max_open: int | None):
    """Routing candidates (user id, open tickets, cap, priority) who qualify now, in a fixed order."""
    from helpline.routing.selectors import department_pool
    from helpline.routing.settings import agent_profiles
    from helpline.routing.strategies import Candidate

    department = _department(ticket, department_id) if department_id else None
    pool = department_pool(ticket.account, department)
    available = sorted(selectors.available_user_ids(ticket.account_id, pool))
    if not available:
        return []
    loads = selectors.open_ticket_counts(ticket.account_id, available, exclude_ticket_id=ticket.pk)
    limit = max_open if max_open is not None else 1_000_000
    profiles = agent_profiles(ticket.account, available)
    return [
        Candidate(user_id=uid, load=loads[uid], limit=limit, priority=profiles[uid].priority)
        for uid in available
        if loads[uid] < limit
    ]


def _department(ticket, department_id: int):
    from helpline.tenancy.models import Department

    if ticket.department_id == department_id and ticket.department is not None:
        return ticket.department
    return Department.objects.get(pk=department_id, account_id=ticket.account_id)


def _choose(strategy: str, candidates, last_user_id: int | None) -> int:
    from helpline.routing.models import Strategy
    from helpline.routing.strategies import choose

    if strategy == Mode.ROUND_ROBIN:
        ids = sorted(c.user_id for c in candidates)
        return next((uid for uid in ids if last_user_id is None or uid > last_user_id), ids[0])
    return choose(Strategy.LEAST_BUSY, candidates)[0]


def choose_agent(ticket, strategy: str, *, department=_TICKETS_DEPARTMENT, lock: bool = False):
    """The agent automatic assignment would pick for the ticket now, or None when nobody qualifies. With ``lock``
    (inside a transaction) the round-robin position is locked and moved on to that agent."""
    from helpline.tenancy.models import User

    if strategy not in STRATEGIES:
        raise DomainError(_("Unknown assignment strategy %(strategy)s.") % {"strategy": strategy})
    department_id = ticket.department_id if department is _TICKETS_DEPARTMENT else getattr(department, "pk", None)
    if department is not _TICKETS_DEPARTMENT and department is not None and department.account_id != ticket.account_id:
        raise DomainError(_("That department belongs to another account."))
    if lock:
        row = _pointer(ticket.account_id, department_id)
        last = row.last_user_id
    else:
        row = None
        qs = AssignmentSetting.objects.filter(account_id=ticket.account_id)
        qs = qs.filter(department_id=department_id) if department_id else qs.filter(department__isnull=True)
        last = qs.values_list("last_user_id", flat=True).first()
    if not _open_now(ticket.account_id, department_id):
        return None
    _mode, max_open = selectors.effective(ticket.account_id, department_id)
    candidates = _candidates(ticket, department_id, max_open)
    if not candidates:
        return None
    chosen = _choose(strategy, candidates, last)
    if row is not None:
        AssignmentSetting.objects.filter(pk=row.pk).update(last_user_id=chosen)
    return User.objects.get(pk=chosen)


@transaction.atomic
def assign_automatically(
    ticket, strategy: str, *, department=_TICKETS_DEPARTMENT, actor: Actor = SYSTEM, only_unassigned: bool = False
):
    """Assign the ticket by ``strategy`` ("round_robin" or "least_loaded") to an agent of its department (or of
    ``department``) who is available, under the cap and within business hours. Returns the agent, or None when
    nobody qualifies (the ticket is left as it was). With ``only_unassigned``, a ticket that has an assignee by the
    time its lock is taken is left alone (the automatic triggers; an event rule's action reassigns)."""
    from helpline.conversations import actions as conversations
    from helpline.conversations.locks import lock_ticket

    if only_unassigned:
        # Lock order: the department's setting row, then the ticket (as every assignment here takes them).
        department_id = ticket.department_id if department is _TICKETS_DEPARTMENT else getattr(department, "pk", None)
        _pointer(ticket.account_id, department_id)
        current = lock_ticket(ticket)
        if current.assignee_id is not None:
            return None
        ticket = current
    agent = choose_agent(ticket, strategy, department=department, lock=True)
    if agent is None:
        return None
    conversations.assign_ticket(ticket=ticket, assignee=agent, actor=actor)
    return agent


def assign_if_configured(ticket_id: int) -> object | None:
    """A new ticket, or one transferred into a department: assign it when its department (or the account's
    default) says so, it waits on the team and nobody has it. What the event subscribers call."""
    from helpline.conversations.models import Ticket
    from helpline.conversations.statuses import WAITING_STATUSES

    ticket = Ticket.objects.select_related("account", "department").filter(pk=ticket_id).first()
    if ticket is None or ticket.assignee_id is not None or ticket.status not in WAITING_STATUSES:
        return None
    if ticket.merged_into_id is not None or not selectors.assignment_enabled(ticket.account_id):
        return None
    mode, _max_open = selectors.effective(ticket.account_id, ticket.department_id)
    if mode not in STRATEGIES:
        return None
    return assign_automatically(ticket, mode, only_unassigned=True)


def assign_waiting(account, *, limit: int = SWEEP_BATCH) -> int:
    """Assign the account's unassigned waiting tickets, oldest first, while agents qualify. Returns how many."""
    from helpline.conversations.models import Ticket
    from helpline.conversations.statuses import WAITING_STATUSES
    from helpline.tenancy.models import Membership

    if not selectors.assignment_enabled(account.pk):
        return 0
    active = Membership.objects.filter(account=account, is_active=True).values_list("user_id", flat=True)
    if not selectors.available_user_ids(account.pk, active):
        return 0  # nobody is there: nothing to try
    default = selectors.account_default(account)
    own = selectors.department_settings(account)
    on = {dep for dep, s in own.items() if s.mode in STRATEGIES}
    off = {dep for dep, s in own.items() if s.mode == Mode.OFF}
    waiting = Ticket.objects.filter(
        account=account, assignee__isnull=True, status__in=WAITING_STATUSES, merged_into__isnull=True
    )
    if default.mode in STRATEGIES:
        waiting = waiting.exclude(department_id__in=off)
    else:
        waiting = waiting.filter(department_id__in=on)
    assigned = 0
    closed: set[int | None] = set()  # departments nobody could take a ticket of in this sweep
    for ticket in waiting.select_related("account", "department").order_by("created_at", "id")[:limit]:
        if ticket.department_id in closed:
            continue
        mode, _max_open = selectors.effective(account.pk, ticket.department_id)
        if mode not in STRATEGIES:
            continue
        if assign_automatically(ticket, mode, only_unassigned=True) is None:
            closed.add(ticket.department_id)
        else:
            assigned += 1
    return assigned


@transaction.atomic
def set_assignment(*, account, department=None, mode: str, max_open: int | None = None, actor: Actor = SYSTEM):
    """Set the mode (and the cap of open tickets per agent) of a department, or the account's default."""
    allowed = Mode.values if department is not None else [Mode.OFF, *STRATEGIES]
    if mode not in allowed:
        raise DomainError(
            _("Unknown assignment mode %(mode)s; choose from: %(choices)s.")
            % {"mode": mode, "choices": ", ".join(allowed)}
        )
    if max_open is not None and not (1 <= max_open <= 10_000):
        raise DomainError(_("The open tickets per agent must be between 1 and 10000."))
    if department is not None and department.account_id != account.pk:
        raise DomainError(_("That department belongs to another account."))
    row = _pointer(account.pk, getattr(department, "pk", None))
    before = (row.mode, row.max_open)
    if before != (mode, max_open):
        AssignmentSetting.objects.filter(pk=row.pk).update(mode=mode, max_open=max_open)
        audit.record(
            account=account,
            actor=actor,
            action="assignment.changed",
            subject=department if department is not None else account,
            data={"mode": [before[0], mode], "max_open": [before[1], max_open]},
        )
        selectors.forget_enabled(account.pk)
        transaction.on_commit(lambda: selectors.forget_enabled(account.pk))
    row.mode, row.max_open = mode, max_open
    return row
