"""/time-rules: rules that act once time has passed on a ticket, provisioned as code. Their log is the event rules'
(/event-rule-executions?time_rule=)."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.pagination import position_page
from helpline.api.routers.event_rules import _Invalid, _ticket
from helpline.api.schemas.common import responses
from helpline.api.schemas.event_rules import EventRuleQuery, EventRuleTestIn
from helpline.api.schemas.time_rules import (
    TimeRuleIn,
    TimeRuleList,
    TimeRuleOrderIn,
    TimeRuleOut,
    TimeRulePage,
    TimeRulePatch,
    TimeRuleTestOut,
)
from helpline.automation import actions
from helpline.automation.models import TimeRule
from helpline.automation.selectors import access_time_rule
from helpline.automation.timerules.preview import preview

router = Router(tags=["time rules"])
FIELDS = ("name", "note", "clock", "after_minutes", "hours", "calendar", "enabled", "conditions", "actions")


@router.get("/time-rules", response=responses({200: TimeRulePage}), summary="List time rules")
def list_time_rules(request, params: Query[EventRuleQuery]):
    """In the order they run."""
    return position_page(
        TimeRule.objects.filter(account=account_of(request)).select_related("calendar"), params.cursor, params.limit
    )


@router.post("/time-rules", response=responses({201: TimeRuleOut}, 402), summary="Create a time rule")
def create_time_rule(request, payload: TimeRuleIn):
    """Added last in the order. 402 when the plan allows no more time rules."""
    with _Invalid():
        rule = actions.create_time_rule(account=account_of(request), actor=actor_of(request), **payload.dict())
    return 201, rule


@router.post("/time-rules/reorder", response=responses({200: TimeRuleList}), summary="Reorder time rules")
def reorder_time_rules(request, payload: TimeRuleOrderIn):
    """Give every time rule's id once, in the order they should run."""
    ordered = actions.reorder_time_rules(account=account_of(request), public_ids=payload.ids, actor=actor_of(request))
    return {"items": ordered}


@router.get("/time-rules/{id}", response=responses({200: TimeRuleOut}), summary="Get a time rule")
def get_time_rule(request, id: str):
    return access_time_rule(account_of(request), id)


@router.patch("/time-rules/{id}", response=responses({200: TimeRuleOut}), summary="Change a time rule")
def update_time_rule(request, id: str, payload: TimeRulePatch):
    rule = access_time_rule(account_of(request), id)
    given = payload.dict(exclude_unset=True)
    current = {name: getattr(rule, name) for name in FIELDS if name != "calendar"}
    current["calendar"] = rule.calendar.public_id if rule.calendar_id else None
    fields = {key: given[key] if given.get(key) is not None else current[key] for key in FIELDS}
    with _Invalid():
        return actions.update_time_rule(rule=rule, actor=actor_of(request), **fields)


@router.delete("/time-rules/{id}", response=responses({204: None}), summary="Delete a time rule")
def delete_time_rule(request, id: str):
    """Its execution log stays (with the rule's name)."""
    actions.delete_time_rule(rule=access_time_rule(account_of(request), id), actor=actor_of(request))
    return 204, None


@router.post("/time-rules/{id}/test", response=responses({200: TimeRuleTestOut}), summary="Test a time rule")
def test_time_rule(request, id: str, payload: EventRuleTestIn):
    """The ticket's clock, whether the wait has passed and the rule acted already, the conditions explained and the
    actions described, without doing anything."""
    account = account_of(request)
    rule = access_time_rule(account, id)
    return preview(rule, _ticket(account, payload.ticket, membership_of(request)))
