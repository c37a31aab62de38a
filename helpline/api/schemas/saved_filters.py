"""Saved ticket filters: an agent's named inbox query, personal or shared with the team."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, PublicId, text
from helpline.api.schemas.tickets import AgentRef

# {parameter: value}: the parameters of GET /tickets (status, priority, department, assignee, tag, channel,
# brand, contact, company, created_from, created_to, activity_from, activity_to, sla, q) and cf.<key>.
FilterQuery = dict[text(68, required=True), text(200)]
QUERY_DOC = (
    "The filter: the parameters of `GET /tickets` (status, priority, department, assignee, tag, channel, brand, "
    "contact, company, created_from, created_to, activity_from, activity_to, sla, q) and `cf.<key>` for a ticket "
    "custom field, each with its value. `assignee: me` names the agent the key acts for."
)


class SavedFilterOut(Schema):
    id: str
    name: str
    shared: bool
    owner: AgentRef
    query: dict[str, str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class SavedFilterPage(Schema):
    items: list[SavedFilterOut]
    next_cursor: str | None


class SavedFilterQuery(Schema):
    scope: Literal["personal", "shared"] | None = Field(
        None, description="`personal`: the key's agent's own unshared filters; `shared`: the team's."
    )
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class SavedFilterIn(Input):
    name: text(100, required=True)
    query: FilterQuery = Field(description=QUERY_DOC, max_length=40)
    shared: bool = Field(False, description="Shown to every agent; otherwise to its owner alone.")
    owner: PublicId | None = Field(
        None,
        description="The agent who owns the filter (its plan quota counts). Defaults to the agent who created "
        "the key; another agent may own a shared filter only.",
    )


class SavedFilterPatch(Input):
    """Fields left out stay as they are; `query` replaces the whole filter."""

    name: text(100, required=True) | None = None
    query: FilterQuery | None = Field(None, description=QUERY_DOC, max_length=40)
    shared: bool | None = None


class SavedFilterCount(Schema):
    count: int = Field(description="Tickets matching now, counted up to `capped`'s bound.")
    capped: bool = Field(description="True when more tickets match than are counted: show the count as n+.")
    broken: bool = Field(description="The filter names something deleted since: it matches nothing.")
