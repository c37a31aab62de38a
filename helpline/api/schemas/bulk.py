"""Shapes of merging tickets and of bulk jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from helpline.api.schemas.common import Input, PublicId
from helpline.api.schemas.tickets import PriorityName, TagName, TicketQuery
from helpline.bulk.actions.jobs import MAX_TICKETS
from helpline.bulk.operations import OPERATIONS
from helpline.conversations.actions.merge import MAX_MERGED

BulkAction = Literal[tuple(OPERATIONS)]


class TicketMergeIn(Input):
    tickets: list[PublicId] = Field(
        min_length=1, max_length=MAX_MERGED, description="Ids of the tickets to merge into this one."
    )


class BulkFilter(TicketQuery):
    """The same filters as `GET /tickets` (`cursor` and `limit` are ignored)."""

    model_config = ConfigDict(extra="forbid")


class BulkIn(Input):
    """Exactly one of ``tickets`` and ``filter``; the other fields are the action's arguments."""

    action: BulkAction
    tickets: list[PublicId] | None = Field(None, max_length=MAX_TICKETS, description="Ticket ids.")
    filter: BulkFilter | None = Field(None, description="Every ticket matching these filters, fixed at the start.")
    assignee: PublicId | None = Field(None, description="`assign`: an agent id (empty or null unassigns); "
                                      "`transfer`: optionally an agent of the new department.")  # fmt: skip
    department: PublicId | None = Field(None, description="`transfer`: a department id.")
    tags: list[TagName] | None = Field(None, max_length=50, description="`tag` / `untag`: tag names.")
    priority: PriorityName | None = Field(None, description="`priority`: the new priority.")
    into: PublicId | None = Field(None, description="`merge`: the surviving ticket; default: the oldest selected.")


class BulkFailure(Schema):
    ticket: str = Field(description="The ticket id as given.")
    code: str = Field(description="The ticket's code, or empty when no such ticket exists.")
    reason: str


class BulkJobOut(Schema):
    id: str
    action: str
    state: Literal["queued", "running", "finished"]
    total: int
    processed: int = Field(description="Tickets worked through so far: done + failed.")
    done: int
    failed: int
    percent: int
    failures: list[BulkFailure] = Field(description="Why each failed ticket was left alone (the first 1,000).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_processed(obj):
        return obj.position
