"""/replacement-rules: search and replace on inbound messages, provisioned as code (registered in helpline.api.app)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from helpline.api.auth import account_of, actor_of
from helpline.api.errors import problem
from helpline.api.schemas.common import Input, responses, text
from helpline.replacements import actions
from helpline.replacements.models import MAX_PATTERN, MAX_REPLACEMENT
from helpline.replacements.patterns import InvalidRule
from helpline.replacements.selectors import access_rule, list_rules

router = Router(tags=["replacement rules"])


class ReplacementRuleOut(Schema):
    id: str
    name: str
    pattern: str
    replacement: str
    is_regex: bool
    case_sensitive: bool
    in_subject: bool
    in_body: bool
    channels: list[str]
    enabled: bool
    position: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class ReplacementRuleList(Schema):
    items: list[ReplacementRuleOut]


class ReplacementRuleIn(Input):
    name: text(100) = ""
    pattern: text(MAX_PATTERN, required=True, strip=False) = Field(
        ..., description="Plain text, or a regular expression (Python syntax) with is_regex."
    )
    replacement: text(MAX_REPLACEMENT, strip=False) = Field(
        "", description="With is_regex, \\1 or \\g<name> insert a group."
    )
    is_regex: bool = False
    case_sensitive: bool = False
    in_subject: bool = True
    in_body: bool = True
    channels: list[text(16)] = Field(default_factory=list, max_length=50, description="Empty: every channel.")
    enabled: bool = True


class ReplacementRulePatch(Input):
    """Only the fields given change."""

    name: text(100) | None = None
    pattern: text(MAX_PATTERN, required=True, strip=False) | None = None
    replacement: text(MAX_REPLACEMENT, strip=False) | None = None
    is_regex: bool | None = None
    case_sensitive: bool | None = None
    in_subject: bool | None = None
    in_body: bool | None = None
    channels: list[text(16)] | None = Field(None, max_length=50)
    enabled: bool | None = None


class ReplacementRuleOrderIn(Input):
    ids: list[text(16)] = Field(..., max_length=1000, description="Every rule of the account, once, in run order.")


def _invalid(exc: InvalidRule):
    errors = [{"field": exc.field, "in": "body", "message": str(exc.message), "code": exc.code}]
    return problem(422, exc.message, code=exc.code, errors=errors)


@router.get("/replacement-rules", response=responses({200: ReplacementRuleList}), summary="List replacement rules")
def list_replacement_rules(request):
    """In the order they run. An account has at most 500, so the list is not paginated."""
    return {"items": list_rules(account_of(request))}


@router.post(
    "/replacement-rules", response=responses({201: ReplacementRuleOut}, 409, 422), summary="Create a replacement rule"
)
def create_replacement_rule(request, payload: ReplacementRuleIn):
    """Added last in the order. 422 names the bad field, e.g. a regular expression that does not compile."""
    try:
        rule = actions.create_rule(account=account_of(request), actor=actor_of(request), **payload.dict())
    except InvalidRule as exc:
        return _invalid(exc)
    return 201, rule


@router.post(
    "/replacement-rules/reorder", response=responses({200: ReplacementRuleList}), summary="Reorder replacement rules"
)
def reorder_replacement_rules(request, payload: ReplacementRuleOrderIn):
    """Give every rule's id once, in the order they should run."""
    rules = actions.reorder_rules(account=account_of(request), public_ids=payload.ids, actor=actor_of(request))
    return {"items": rules}


@router.get("/replacement-rules/{id}", response=responses({200: ReplacementRuleOut}), summary="Get a replacement rule")
def get_replacement_rule(request, id: str):
    return access_rule(account_of(request), id)


@router.patch(
    "/replacement-rules/{id}", response=responses({200: ReplacementRuleOut}, 422), summary="Change a replacement rule"
)
def update_replacement_rule(request, id: str, payload: ReplacementRulePatch):
    rule = access_rule(account_of(request), id)
    given = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    try:
        return actions.update_rule(rule=rule, actor=actor_of(request), **given)
    except InvalidRule as exc:
        return _invalid(exc)


@router.delete("/replacement-rules/{id}", response=responses({204: None}), summary="Delete a replacement rule")
def delete_replacement_rule(request, id: str):
    actions.delete_rule(rule=access_rule(account_of(request), id), actor=actor_of(request))
    return 204, None
