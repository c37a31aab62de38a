"""Who hears about a ticket event: active agents of the account, never the one who caused it, and only those who
may see the ticket (conversations.visibility)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from helpline.conversations.visibility import restricted_user_id


def department_member_ids(account_id: int, department_id: int | None) -> set[int]:
    if department_id is None:
        return set()
    from helpline.tenancy.models import DepartmentMember

    rows = DepartmentMember.objects.filter(account_id=account_id, department_id=department_id)
    return set(rows.values_list("user_id", flat=True))


def eligible(ticket, user_ids: Iterable[int], *, actor_user_id: int | None) -> list:
    """The active memberships among ``user_ids`` (actor left out) whose agent may see ``ticket``; two queries."""
    from helpline.tenancy.models import DepartmentMember, Membership

    wanted = {pk for pk in user_ids if pk and pk != actor_user_id}
    if not wanted:
        return []
    memberships = list(
        Membership.objects.filter(
            account_id=ticket.account_id, user_id__in=wanted, is_active=True, user__is_active=True
        ).select_related("user", "custom_role")
    )
    restricted = [m.user_id for m in memberships if restricted_user_id(m) is not None]
    in_department: set[int] = set()
    if restricted and ticket.department_id is not None:
        in_department = set(
            DepartmentMember.objects.filter(
                account_id=ticket.account_id, department_id=ticket.department_id, user_id__in=restricted
            ).values_list("user_id", flat=True)
        )
    return [
        m
        for m in memberships
        if restricted_user_id(m) is None or m.user_id == ticket.assignee_id or m.user_id in in_department
    ]


def _handles(name: str, email: str) -> list[str]:
    """How a note may name an agent after "@": full name, first name, or the email's local part."""
    name = " ".join((name or "").split()).lower()
    local = (email or "").partition("@")[0].lower()
    found = [name, name.partition(" ")[0], local]
    return sorted({h for h in found if h}, key=len, reverse=True)


def mentioned_user_ids(account_id: int, text: str) -> set[int]:
    """Agents of the account named with "@" in ``text`` ("@Alice Agent", "@alice", "@alice.agent")."""
    if "@" not in (text or ""):
        return set()
    from helpline.tenancy.models import Membership

    lowered = " ".join(text.split()).lower()
    found = set()
    rows = Membership.objects.filter(account_id=account_id, is_active=True).values_list(
        "user_id", "user__name", "user__email"
    )
    for user_id, name, email in rows:
        for handle in _handles(name, email):
            if re.search(r"(?<![\w@.])@" + re.escape(handle) + r"(?![\w@-])", lowered):
                found.add(user_id)
                break
    return found
