"""Turn the inbox's query string into a TicketFilter, rejecting values that name nothing in this account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

from helpline.conversations.models import Tag
from helpline.conversations.selectors import TicketFilter
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import (
    ACCOUNT_LISTS_TTL,
    account_lists_version,
    get_agent,
    get_department,
    list_agent_choices,
    list_department_choices,
)
from helpline.web.queries import list_tag_names

ASSIGNEE_ME = "me"
ASSIGNEE_UNASSIGNED = "unassigned"
FILTER_KEYS = ("status", "department", "assignee", "tag", "channel", "priority", "q")
MAX_QUERY = 200


@dataclass(frozen=True)
class InboxQuery:
    filter: TicketFilter
    cursor: str = ""
    values: dict = field(default_factory=dict)  # what the agent chose, to show in the filter bar


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers: (public id, name) of agents and departments, and tag names."""

    agents: list[tuple[str, str]]
    departments: list[tuple[str, str]]
    tag_names: list[str]


def filter_choices(account) -> FilterChoices:
    """Cached per account until an action changes its agents, departments or tags (see forget_account_lists)."""
    key = f"inbox-filter-choices:{account.pk}:{account_lists_version(account.pk)}"
    choices = cache.get(key)
    if choices is None:
        choices = FilterChoices(
            agents=list_agent_choices(account),
            departments=list_department_choices(account),
            tag_names=list_tag_names(account),
        )
        cache.set(key, choices, ACCOUNT_LISTS_TTL)
    return choices


def raw_values(params) -> dict:
    values = {key: (params.get(key) or "").strip() for key in FILTER_KEYS}
    values["q"] = values["q"][:MAX_QUERY]
    return values


def parse_inbox_query(params, *, account, user, choices: FilterChoices) -> InboxQuery:
    """Raises DomainError with a message for the agent when a filter value is unknown.

    A value missing from the (cached) choices is looked up before it is refused, so a stale cache never
    rejects a department, agent or tag that exists.
    """
    values = raw_values(params)
    assignee = values["assignee"]
    if assignee == ASSIGNEE_ME:
        assignee = user.public_id
    elif assignee == ASSIGNEE_UNASSIGNED:
        assignee = "none"
    elif assignee and assignee not in {value for value, _name in choices.agents} and not get_agent(account, assignee):
        raise DomainError(_("There is no such agent in this account."))
    department = values["department"]
    if (
        department
        and department not in {value for value, _name in choices.departments}
        and not get_department(account, department)
    ):
        raise DomainError(_("There is no such department in this account."))
    tag = values["tag"]
    if tag and tag not in choices.tag_names and not Tag.objects.filter(account=account, name=tag).exists():
        raise DomainError(_("There is no tag named “%(tag)s”.") % {"tag": tag})
    ticket_filter = TicketFilter(
        status=values["status"],
        department=department,
        assignee=assignee,
        tag=tag,
        channel=values["channel"],
        priority=values["priority"],
        q=values["q"],
    )
    return InboxQuery(filter=ticket_filter, cursor=(params.get("cursor") or "").strip(), values=values)
