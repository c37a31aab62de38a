"""The "To solve" queue: which tickets wait for an agent, how many, and which one is the most urgent.

A ticket waits for an agent when it waits on the team (status new or open) and it is assigned to the agent, or it is
unassigned in one of the agent's departments (or, for an agent who sees every department, unassigned without a
department). The order (docs/to-solve.md):

1. in "last agent" mode (Settings → Departments), the tickets this agent answered last come first, then tickets
   nobody answered yet, then tickets another agent answered last;
2. the earliest due time first (``sla_due_at``; a ticket without one counts as due ``DEFAULT_DEADLINE`` after its
   last activity, so it still rises);
3. the longest waiting first (the oldest last activity), then the oldest ticket.

Tickets another agent has open right now (helpline.tosolve.claims) are skipped.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from helpline.conversations.models import Message, Ticket
from helpline.conversations.statuses import WAITING_STATUSES, Direction
from helpline.conversations.visibility import restricted_user_id
from helpline.tenancy.models import TO_SOLVE_LAST_AGENT, DepartmentMember
from helpline.tosolve.claims import held_by_others

DEFAULT_DEADLINE = timedelta(days=7)
COUNT_CAP = 99
COUNT_TTL = 15
BATCH = 25
MAX_LOOKED_AT = 200  # candidates read before giving up when everything ahead is held by others


def waiting_for(membership):
    """The tickets waiting for this agent, unordered."""
    user_id = membership.user_id
    departments = DepartmentMember.objects.filter(account_id=membership.account_id, user_id=user_id).values(
        "department_id"
    )
    unassigned_here = Q(assignee__isnull=True, department_id__in=departments)
    if restricted_user_id(membership) is None:
        unassigned_here |= Q(assignee__isnull=True, department__isnull=True)
    return Ticket.objects.filter(account_id=membership.account_id, status__in=WAITING_STATUSES).filter(
        Q(assignee_id=user_id) | unassigned_here
    )


def _last_answerer():
    return Subquery(
        Message.objects.filter(ticket_id=OuterRef("pk"), direction=Direction.OUTBOUND, author_user__isnull=False)
        .order_by("-id")
        .values("author_user_id")[:1]
    )


def ordered_queue(membership, mode: str):
    """waiting_for(membership) in To solve's order."""
    qs = waiting_for(membership).annotate(due=Coalesce("sla_due_at", F("last_activity_at") + DEFAULT_DEADLINE))
    order = ["due", "last_activity_at", "pk"]
    if mode == TO_SOLVE_LAST_AGENT:
        qs = qs.annotate(
            last_answerer=_last_answerer(),
            answerer_rank=Case(
                When(last_answerer=membership.user_id, then=Value(0)),
                When(last_answerer__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        order.insert(0, "answerer_rank")
    return qs.order_by(*order)


def next_ticket(membership) -> Ticket | None:
    """The most urgent ticket waiting for this agent that no other agent has open, or None."""
    queue = ordered_queue(membership, membership.account.to_solve_mode)
    for offset in range(0, MAX_LOOKED_AT, BATCH):
        batch = list(queue.values_list("pk", flat=True)[offset : offset + BATCH])
        if not batch:
            return None
        held = held_by_others(batch, membership.user_id)
        for pk in batch:
            if pk not in held:
                return Ticket.objects.get(pk=pk)
    return None


def _count_key(membership) -> str:
    return f"tosolve:count:{membership.account_id}:{membership.user_id}"


def count_waiting(membership) -> tuple[int, bool]:
    """(count, capped): how many tickets wait for the agent, up to COUNT_CAP; cached for a few seconds."""
    key = _count_key(membership)
    cached = cache.get(key)
    if cached is None:
        n = len(waiting_for(membership).values_list("pk", flat=True)[: COUNT_CAP + 1])
        cached = (min(n, COUNT_CAP), n > COUNT_CAP)
        cache.set(key, cached, COUNT_TTL)
    return cached


def forget_count(membership) -> None:
    cache.delete(_count_key(membership))
