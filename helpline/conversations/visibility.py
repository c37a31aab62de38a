"""Which tickets an agent may see: every ticket with ``tickets.view_all``; otherwise the tickets of their departments
and the tickets assigned to them. The inbox, search, the ticket page, the API and "To solve" all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from helpline.tenancy import permissions


def restricted_user_id(membership) -> int | None:
    """The user whose departments bound what this membership sees; None when it sees every ticket."""
    if membership is None or membership.has_perm(permissions.VIEW_ALL_TICKETS):
        return None
    return membership.user_id


def visible_q(account_id: int, user_id: int | None, *, via: str = "") -> Q:
    """A filter on tickets for ``restricted_user_id``'s answer (matches everything for None); on rows that name a
    ticket with ``via`` (``"ticket__"``)."""
    if user_id is None:
        return Q()
    from helpline.tenancy.models import DepartmentMember

    departments = DepartmentMember.objects.filter(account_id=account_id, user_id=user_id).values("department_id")
    return Q(**{f"{via}department_id__in": departments}) | Q(**{f"{via}assignee_id": user_id})


def can_see_ticket(membership, ticket) -> bool:
    user_id = restricted_user_id(membership)
    if user_id is None or ticket.assignee_id == user_id:
        return True
    if ticket.department_id is None:
        return False
    from helpline.tenancy.models import DepartmentMember

    return DepartmentMember.objects.filter(
        account_id=ticket.account_id, user_id=user_id, department_id=ticket.department_id
    ).exists()


def still_visible(membership, ticket) -> bool:
    """can_see_ticket on the ticket as stored now (after a change that may have moved it); no query for members who
    see every ticket."""
    if restricted_user_id(membership) is None:
        return True
    from helpline.conversations.models import Ticket

    current = Ticket.objects.filter(pk=ticket.pk).only("account_id", "department_id", "assignee_id").first()
    return current is not None and can_see_ticket(membership, current)


@dataclass(frozen=True)
class TicketScope:
    """What a restricted agent sees as plain ids, so a socket can judge pushed ticket events without a query:
    the tickets of ``department_ids`` and those assigned to ``user_id``."""

    user_id: int
    department_ids: frozenset[int]

    def sees(self, department_id: int | None, assignee_id: int | None) -> bool:
        return assignee_id == self.user_id or (department_id is not None and department_id in self.department_ids)


NOTHING = TicketScope(user_id=0, department_ids=frozenset())  # no membership (deactivated): no ticket at all


def ticket_scope(membership) -> TicketScope | None:
    """None when the membership sees every ticket; its TicketScope otherwise (NOTHING without a membership)."""
    if membership is None:
        return NOTHING
    user_id = restricted_user_id(membership)
    if user_id is None:
        return None
    from helpline.tenancy.models import DepartmentMember

    departments = DepartmentMember.objects.filter(account_id=membership.account_id, user_id=user_id)
    return TicketScope(user_id=user_id, department_ids=frozenset(departments.values_list("department_id", flat=True)))
