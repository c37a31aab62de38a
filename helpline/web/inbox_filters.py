"""Turn the inbox's query string into a TicketFilter, rejecting values that name nothing in this account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from helpline.conversations.models import Tag
from helpline.conversations.selectors import TicketFilter
from helpline.core.errors import DomainError

ASSIGNEE_ME = "me"
ASSIGNEE_UNASSIGNED = "unassigned"
FILTER_KEYS = ("status", "department", "assignee", "tag", "channel", "priority", "q")
MAX_QUERY = 200


@dataclass(frozen=True)
class InboxQuery:
    filter: TicketFilter
    cursor: str = ""
    values: dict = field(default_factory=dict)  # what the agent chose, to show in the filter bar


def raw_values(params) -> dict:
    values = {key: (params.get(key) or "").strip() for key in FILTER_KEYS}
    values["q"] = values["q"][:MAX_QUERY]
    return values


def parse_inbox_query(params, *, account, user, agents, departments) -> InboxQuery:
    """Raises DomainError with a message for the agent when a filter value is unknown."""
    values = raw_values(params)
    assignee = values["assignee"]
    if assignee == ASSIGNEE_ME:
        assignee = user.public_id
    elif assignee == ASSIGNEE_UNASSIGNED:
        assignee = "none"
    elif assignee and assignee not in {a.public_id for a in agents}:
        raise DomainError(_("There is no such agent in this account."))
    if values["department"] and values["department"] not in {d.public_id for d in departments}:
        raise DomainError(_("There is no such department in this account."))
    if values["tag"] and not Tag.objects.filter(account=account, name=values["tag"]).exists():
        raise DomainError(_("There is no tag named “%(tag)s”.") % {"tag": values["tag"]})
    ticket_filter = TicketFilter(
        status=values["status"],
        department=values["department"],
        assignee=assignee,
        tag=values["tag"],
        channel=values["channel"],
        priority=values["priority"],
        q=values["q"],
    )
    return InboxQuery(filter=ticket_filter, cursor=(params.get("cursor") or "").strip(), values=values)
