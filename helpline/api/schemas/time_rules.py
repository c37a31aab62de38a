"""Time rules (helpline.automation.timerules): the clock, the wait, how it is counted, and the event rules'
conditions and actions (docs/automation.md, "Time rules")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, text
from helpline.api.schemas.event_rules import ActionPreview, GroupResult

Clock = Literal["created", "customer_message", "agent_message", "status_changed"]
Hours = Literal["calendar", "business"]


class TimeRuleOut(Schema):
    id: str
    name: str
    note: str
    clock: str = Field(..., description="created, customer_message, agent_message or status_changed.")
    after_minutes: int
    hours: str = Field(..., description="calendar (around the clock) or business (the calendar's open hours).")
    calendar: str | None = Field(None, description="The business-hours calendar's id (hours: business).")
    enabled: bool
    position: int
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_calendar(obj):
        return obj.calendar.public_id if obj.calendar_id else None


class TimeRulePage(Schema):
    items: list[TimeRuleOut]
    next_cursor: str | None


class TimeRuleList(Schema):
    items: list[TimeRuleOut]


class TimeRuleIn(Input):
    name: text(200, required=True)
    note: text(5000) = ""
    clock: Clock
    after_minutes: int = Field(..., ge=5, le=366 * 24 * 60, description="The wait, in minutes (5 to a year).")
    hours: Hours = "calendar"
    calendar: text(16) | None = Field(None, description="A business-hours calendar's id; required for business.")
    enabled: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict, description="As event rules'; no event.* fields.")
    actions: list[dict[str, Any]] = Field(..., description="As event rules'.")


class TimeRulePatch(Input):
    """Only the fields given change."""

    name: text(200, required=True) | None = None
    note: text(5000) | None = None
    clock: Clock | None = None
    after_minutes: int | None = Field(None, ge=5, le=366 * 24 * 60)
    hours: Hours | None = None
    calendar: text(16) | None = None
    enabled: bool | None = None
    conditions: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None


class TimeRuleOrderIn(Input):
    ids: list[text(16)] = Field(..., max_length=100_000, description="Every time rule of the account, once, in order.")


class ClockState(Schema):
    since: datetime | None = Field(None, description="When the ticket's clock started; null: not started.")
    elapsed_minutes: int
    after_minutes: int
    due: bool = Field(..., description="The wait has passed.")
    fired: bool = Field(..., description="The rule already acted on the ticket for this clock value.")


class TimeRuleTestOut(Schema):
    """What the rule would do to the ticket at the next check. Nothing is changed and nothing is logged."""

    would_fire: bool
    clock: ClockState
    matched: bool
    match: str
    groups: list[GroupResult]
    actions: list[ActionPreview]
