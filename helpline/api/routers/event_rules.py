"""/event-rules: automation that runs the desk, provisioned as code; /event-rule-executions: what rules did."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_id, encode_value, position_page
from helpline.api.schemas.common import responses
from helpline.api.schemas.event_rules import (
    EventRuleIn,
    EventRuleList,
    EventRuleOrderIn,
    EventRuleOut,
    EventRulePage,
    EventRulePatch,
    EventRuleQuery,
    EventRuleTestIn,
    EventRuleTestOut,
    RuleExecutionPage,
    RuleExecutionQuery,
)
from helpline.automation import actions
from helpline.automation.compiler import compile_rule
from helpline.automation.engine import dry_run
from helpline.automation.fields import custom_kinds_of
from helpline.automation.models import Rule
from helpline.automation.schema import RuleInvalid
from helpline.automation.selectors import access_rule, access_time_rule, list_executions
from helpline.conversations.access import access_ticket, access_ticket_by_code
from helpline.conversations.visibility import restricted_user_id
from helpline.core.errors import NotFound

router = Router(tags=["event rules"])


class _Invalid:
    """Turn a rule the schema refuses into a 400 naming the field."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, RuleInvalid):
            raise FieldError(exc.field, exc.message) from exc
        return False


@router.get("/event-rules", response=responses({200: EventRulePage}), summary="List event rules")
def list_event_rules(request, params: Query[EventRuleQuery]):
    """In the order they run."""
    return position_page(Rule.objects.filter(account=account_of(request)), params.cursor, params.limit)


@router.post("/event-rules", response=responses({201: EventRuleOut}, 402), summary="Create an event rule")
def create_event_rule(request, payload: EventRuleIn):
    """Added last in the order. 402 when the plan allows no more event rules."""
    with _Invalid():
        rule = actions.create_rule(account=account_of(request), actor=actor_of(request), **payload.dict())
    return 201, rule


@router.post("/event-rules/reorder", response=responses({200: EventRuleList}), summary="Reorder event rules")
def reorder_event_rules(request, payload: EventRuleOrderIn):
    """Give every rule's id once, in the order they should run."""
    return {
        "items": actions.reorder_rules(account=account_of(request), public_ids=payload.ids, actor=actor_of(request))
    }


@router.get("/event-rules/{id}", response=responses({200: EventRuleOut}), summary="Get an event rule")
def get_event_rule(request, id: str):
    return access_rule(account_of(request), id)


@router.patch("/event-rules/{id}", response=responses({200: EventRuleOut}), summary="Change an event rule")
def update_event_rule(request, id: str, payload: EventRulePatch):
    rule = access_rule(account_of(request), id)
    given = payload.dict(exclude_unset=True)
    fields = {key: given[key] if given.get(key) is not None else getattr(rule, key)
              for key in ("name", "note", "trigger", "enabled", "conditions", "actions")}  # fmt: skip
    with _Invalid():
        return actions.update_rule(rule=rule, actor=actor_of(request), **fields)


@router.delete("/event-rules/{id}", response=responses({204: None}), summary="Delete an event rule")
def delete_event_rule(request, id: str):
    """Its execution log stays (with the rule's name)."""
    actions.delete_rule(rule=access_rule(account_of(request), id), actor=actor_of(request))
    return 204, None


def _ticket(account, reference: str, membership=None):
    """By public id or code; one the key may not see (conversations.visibility) is "not found" like a missing one."""
    try:
        return access_ticket(account, reference, membership=membership)
    except NotFound:
        return access_ticket_by_code(account, reference, membership=membership)


@router.post("/event-rules/{id}/test", response=responses({200: EventRuleTestOut}), summary="Test an event rule")
def test_event_rule(request, id: str, payload: EventRuleTestIn):
    """What the rule would do to the ticket now (conditions explained, actions described), without doing it."""
    account = account_of(request)
    rule = access_rule(account, id)
    ticket = _ticket(account, payload.ticket, membership_of(request))
    return dry_run(compile_rule(rule, custom_kinds_of(account)), ticket)


@router.get("/event-rule-executions", response=responses({200: RuleExecutionPage}), summary="Event rule log")
def list_rule_executions(request, params: Query[RuleExecutionQuery]):
    """What rules did (or why they were skipped), newest first; filter by rule and by ticket."""
    account = account_of(request)
    rule = access_rule(account, params.rule) if params.rule else None
    time_rule = access_time_rule(account, params.time_rule) if params.time_rule else None
    membership = membership_of(request)
    ticket = access_ticket(account, params.ticket, membership=membership) if params.ticket else None
    page = list_executions(
        account,
        rule=rule,
        time_rule=time_rule,
        ticket=ticket,
        before_id=decode_id(params.cursor),
        limit=params.limit + 1,
        viewer=restricted_user_id(membership),
    )
    items = page[: params.limit]
    next_cursor = encode_value(items[-1].pk) if len(page) > params.limit else None
    return {"items": items, "next_cursor": next_cursor}
