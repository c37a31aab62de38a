"""Turn the inbox's query string into a TicketFilter, rejecting values that name nothing in this account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from helpline.conversations.custom_fields import ticket_fields_by_key
from helpline.conversations.selectors import TicketFilter
from helpline.filters.params import ASSIGNEE_ME, ASSIGNEE_UNASSIGNED, FIELD_PREFIX, filter_values, parse_filter
from helpline.tenancy.selectors import (
    ACCOUNT_LISTS_TTL,
    account_lists_version,
    list_agent_choices,
    list_department_choices,
)
from helpline.web.queries import list_brands, list_tag_names

__all__ = ["ASSIGNEE_ME", "ASSIGNEE_UNASSIGNED", "FilterChoices", "InboxQuery", "filter_choices", "parse_inbox_query"]


@dataclass(frozen=True)
class FieldChoice:
    """A ticket custom field as the filter bar offers it."""

    param: str  # cf.<key>
    label: str
    kind: str
    choices: tuple[str, ...]


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
    brands: list[tuple[str, str]] = ()
    fields: list[FieldChoice] = ()


def filter_choices(account) -> FilterChoices:
    """Cached per account until an action changes its agents, departments or tags (see forget_account_lists)."""
    key = f"inbox-filter-choices:{account.pk}:{account_lists_version(account.pk)}"
    choices = cache.get(key)
    if choices is None:
        choices = FilterChoices(
            agents=list_agent_choices(account),
            departments=list_department_choices(account),
            tag_names=list_tag_names(account),
            brands=[(b.public_id, b.name) for b in list_brands(account)],
            fields=[
                FieldChoice(f"{FIELD_PREFIX}{f.key}", f.label, f.kind, tuple(f.choices))
                for f in ticket_fields_by_key(account).values()
            ],
        )
        cache.set(key, choices, ACCOUNT_LISTS_TTL)
    return choices


def raw_values(params) -> dict:
    return filter_values(params)


def parse_inbox_query(params, *, account, user, choices: FilterChoices) -> InboxQuery:
    """Raises DomainError (a FilterError naming the parameter) with a message for the agent when a filter
    value is wrong or unknown; see helpline.filters.params, shared with saved filters and the API."""
    values = raw_values(params)
    ticket_filter = parse_filter(values, account=account, user=user, choices=choices)
    return InboxQuery(filter=ticket_filter, cursor=(params.get("cursor") or "").strip(), values=values)
