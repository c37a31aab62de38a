"""Event rules (helpline.automation): conditions and actions are JSON documented in docs/automation.md and checked
by helpline.automation.schema, which names the exact bad field (``conditions.groups.0.conditions.1.value``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, text


class EventRuleOut(Schema):
    id: str
    name: str
    note: str
    trigger: str
    enabled: bool
    position: int
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class EventRulePage(Schema):
    items: list[EventRuleOut]
    next_cursor: str | None


class EventRuleQuery(Schema):
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(100, ge=1, le=200)


class EventRuleIn(Input):
    name: text(200, required=True)
    note: text(5000) = ""
    trigger: text(32, required=True)
    enabled: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict, description="Condition groups; {} matches every ticket.")
    actions: list[dict[str, Any]] = Field(
        ..., description='In order, e.g. [{"type": "set_priority", "priority": "high"}].'
    )


class EventRulePatch(Input):
    """Only the fields given change."""

    name: text(200, required=True) | None = None
    note: text(5000) | None = None
    trigger: text(32, required=True) | None = None
    enabled: bool | None = None
    conditions: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None


class EventRuleOrderIn(Input):
    ids: list[text(16)] = Field(..., max_length=100_000, description="Every rule of the account, once, in run order.")


class EventRuleList(Schema):
    items: list[EventRuleOut]


class EventRuleTestIn(Input):
    ticket: text(32, required=True) = Field(..., description="The ticket's id or its code (e.g. KQD-482-93751).")


class ConditionResult(Schema):
    field: str
    op: str
    value: Any = None
    actual: Any = None
    holds: bool


class GroupResult(Schema):
    match: str
    holds: bool
    conditions: list[ConditionResult]


class ActionPreview(Schema):
    type: str
    summary: str
    changed: bool
    error: str


class EventRuleTestOut(Schema):
    """What the rule would do to the ticket now. Nothing is changed and nothing is logged."""

    matched: bool
    match: str
    groups: list[GroupResult]
    actions: list[ActionPreview]


class RuleExecutionOut(Schema):
    id: str
    rule: str | None
    time_rule: str | None = Field(None, description="The time rule's id when a time rule acted.")
    rule_name: str
    ticket: str
    ticket_code: str
    event: str
    outcome: str = Field(..., description="applied, failed, loop (the rule caused the event) or too_deep.")
    depth: int
    results: list[dict[str, Any]]
    error: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_rule(obj):
        return obj.rule.public_id if obj.rule_id else None

    @staticmethod
    def resolve_time_rule(obj):
        return obj.time_rule.public_id if obj.time_rule_id else None

    @staticmethod
    def resolve_ticket(obj):
        return obj.ticket.public_id

    @staticmethod
    def resolve_ticket_code(obj):
        return obj.ticket.code


class RuleExecutionPage(Schema):
    items: list[RuleExecutionOut]
    next_cursor: str | None


class RuleExecutionQuery(Schema):
    rule: text(16) | None = Field(None, description="Only this rule's executions.")
    time_rule: text(16) | None = Field(None, description="Only this time rule's executions.")
    ticket: text(16) | None = Field(None, description="Only executions on this ticket (its id).")
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200)
