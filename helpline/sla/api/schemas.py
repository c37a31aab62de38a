"""SLA levels, SLA rules and a ticket's SLA clock as the REST API shows them (docs/sla.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, text

TargetMinutes = dict[str, dict[str, int | None]]
TARGETS_DOC = (
    'Minutes per target and priority, e.g. {"first_response": {"urgent": 30, "normal": 240}, '
    '"next_response": {"normal": 480}, "resolution": {"normal": 2880}}; a missing priority has no target.'
)


class SlaLevelOut(Schema):
    id: str
    name: str
    calendar: str | None = Field(None, description="The business-hours calendar's id; null: around the clock.")
    targets: dict[str, dict[str, int]]
    warning_kind: str
    warning_value: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_calendar(obj):
        return obj.calendar.public_id if obj.calendar_id else None


class SlaLevelList(Schema):
    items: list[SlaLevelOut]


class SlaLevelIn(Input):
    name: text(100, required=True)
    calendar: text(16) | None = Field(None, description="A business-hours calendar's id; null: around the clock.")
    targets: TargetMinutes = Field(..., description=TARGETS_DOC)
    warning_kind: Literal["minutes", "percent"] = "minutes"
    warning_value: int = Field(0, ge=0, le=527_040, description="How long before due the warning comes; 0: none.")


class SlaLevelPatch(Input):
    """Only the fields given change."""

    name: text(100, required=True) | None = None
    calendar: text(16) | None = None
    targets: TargetMinutes | None = None
    warning_kind: Literal["minutes", "percent"] | None = None
    warning_value: int | None = Field(None, ge=0, le=527_040)


class SlaRuleOut(Schema):
    id: str
    name: str
    level: str
    enabled: bool
    position: int
    conditions: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_level(obj):
        return obj.level.public_id


class SlaRuleList(Schema):
    items: list[SlaRuleOut]


class SlaRuleIn(Input):
    name: text(200, required=True)
    level: text(16, required=True) = Field(..., description="The SLA level's id.")
    enabled: bool = True
    conditions: dict[str, Any] = Field(
        default_factory=dict, description="The event rules' condition groups; {} matches every ticket."
    )


class SlaRulePatch(Input):
    name: text(200, required=True) | None = None
    level: text(16, required=True) | None = None
    enabled: bool | None = None
    conditions: dict[str, Any] | None = None


class SlaRuleOrderIn(Input):
    ids: list[text(16)] = Field(..., max_length=10_000, description="Every SLA rule of the account, once, in order.")


class SlaTargetOut(Schema):
    target: str
    state: str = Field(..., description="running, paused or done.")
    due_at: datetime | None = Field(None, description="While running.")
    remaining_seconds: int | None = Field(None, description="Business time left; negative: overdue by.")
    warned_at: datetime | None
    breached_at: datetime | None
    done_at: datetime | None


class TicketSlaOut(Schema):
    ticket: str
    level: str | None
    level_name: str | None
    pinned: bool = Field(..., description="Set by an agent or an event rule; SLA rules no longer change it.")
    due_at: datetime | None = Field(None, description="The nearest due time (the ticket's sla_due_at).")
    targets: list[SlaTargetOut]


class TicketSlaIn(Input):
    level: text(16) | None = Field(..., description="An SLA level's id, or null for none.")
