"""/sla-levels and /sla-rules (CRUD and order), /tickets/{id}/sla (a ticket's SLA clock, and setting its level)."""

from __future__ import annotations

from ninja import Router

from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.errors import FieldError
from helpline.api.schemas.common import responses
from helpline.conversations.access import access_ticket
from helpline.core import clock
from helpline.sla import actions
from helpline.sla.api.schemas import (
    SlaLevelIn,
    SlaLevelList,
    SlaLevelOut,
    SlaLevelPatch,
    SlaRuleIn,
    SlaRuleList,
    SlaRuleOrderIn,
    SlaRuleOut,
    SlaRulePatch,
    TicketSlaIn,
    TicketSlaOut,
)
from helpline.sla.display import ticket_sla
from helpline.sla.selectors import access_level, access_sla_rule, list_levels, list_rules
from helpline.sla.validation import SlaInvalid

router = Router(tags=["SLA"])


class _Invalid:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, SlaInvalid):
            raise FieldError(exc.field, exc.message) from exc
        return False


@router.get("/sla-levels", response=responses({200: SlaLevelList}), summary="List SLA levels")
def list_sla_levels(request):
    return {"items": list_levels(account_of(request))}


@router.post("/sla-levels", response=responses({201: SlaLevelOut}, 402), summary="Create an SLA level")
def create_sla_level(request, payload: SlaLevelIn):
    """402 when the plan allows no more SLA levels."""
    with _Invalid():
        level = actions.create_level(account=account_of(request), actor=actor_of(request), **payload.dict())
    return 201, level


@router.get("/sla-levels/{id}", response=responses({200: SlaLevelOut}), summary="Get an SLA level")
def get_sla_level(request, id: str):
    return access_level(account_of(request), id)


@router.patch("/sla-levels/{id}", response=responses({200: SlaLevelOut}), summary="Change an SLA level")
def update_sla_level(request, id: str, payload: SlaLevelPatch):
    """Open tickets on the level get their due times recomputed."""
    level = access_level(account_of(request), id)
    given = payload.dict(exclude_unset=True)
    current = {
        "name": level.name,
        "calendar": level.calendar.public_id if level.calendar_id else None,
        "targets": level.targets,
        "warning_kind": level.warning_kind,
        "warning_value": level.warning_value,
    }
    fields = {key: given[key] if key in given and (given[key] is not None or key == "calendar") else value
              for key, value in current.items()}  # fmt: skip
    with _Invalid():
        return actions.update_level(level=level, actor=actor_of(request), **fields)


@router.delete("/sla-levels/{id}", response=responses({204: None}), summary="Delete an SLA level")
def delete_sla_level(request, id: str):
    """400 while SLA rules choose it."""
    actions.delete_level(level=access_level(account_of(request), id), actor=actor_of(request))
    return 204, None


@router.get("/sla-rules", response=responses({200: SlaRuleList}), summary="List SLA rules")
def list_sla_rules(request):
    """In the order they are tried; the first whose conditions hold gives a new ticket its level."""
    return {"items": list_rules(account_of(request))}


@router.post("/sla-rules", response=responses({201: SlaRuleOut}, 402), summary="Create an SLA rule")
def create_sla_rule(request, payload: SlaRuleIn):
    """Added last. 402 when the plan allows no more SLA rules."""
    with _Invalid():
        rule = actions.create_rule(account=account_of(request), actor=actor_of(request), **payload.dict())
    return 201, rule


@router.post("/sla-rules/reorder", response=responses({200: SlaRuleList}), summary="Reorder SLA rules")
def reorder_sla_rules(request, payload: SlaRuleOrderIn):
    """Give every rule's id once, in the order they should be tried."""
    return {
        "items": actions.reorder_rules(account=account_of(request), public_ids=payload.ids, actor=actor_of(request))
    }


@router.get("/sla-rules/{id}", response=responses({200: SlaRuleOut}), summary="Get an SLA rule")
def get_sla_rule(request, id: str):
    return access_sla_rule(account_of(request), id)


@router.patch("/sla-rules/{id}", response=responses({200: SlaRuleOut}), summary="Change an SLA rule")
def update_sla_rule(request, id: str, payload: SlaRulePatch):
    rule = access_sla_rule(account_of(request), id)
    given = payload.dict(exclude_unset=True)
    current = {"name": rule.name, "level": rule.level.public_id, "enabled": rule.enabled, "conditions": rule.conditions}
    fields = {key: given[key] if given.get(key) is not None else value for key, value in current.items()}
    with _Invalid():
        return actions.update_rule(rule=rule, actor=actor_of(request), **fields)


@router.delete("/sla-rules/{id}", response=responses({204: None}), summary="Delete an SLA rule")
def delete_sla_rule(request, id: str):
    actions.delete_rule(rule=access_sla_rule(account_of(request), id), actor=actor_of(request))
    return 204, None


@router.get("/tickets/{id}/sla", response=responses({200: TicketSlaOut}), summary="A ticket's SLA clock")
def get_ticket_sla(request, id: str):
    """Its level and, per target (first_response, next_response, resolution), where the clock stands."""
    ticket = access_ticket(account_of(request), id, membership=membership_of(request))
    return ticket_sla(ticket, clock.now())


@router.put("/tickets/{id}/sla", response=responses({200: TicketSlaOut}), summary="Set a ticket's SLA level")
def set_ticket_sla(request, id: str, payload: TicketSlaIn):
    """By hand (null: none); SLA rules no longer change it."""
    account = account_of(request)
    ticket = access_ticket(account, id, membership=membership_of(request))
    level = None
    if payload.level:
        from helpline.core.errors import NotFound

        try:
            level = access_level(account, payload.level)
        except NotFound as exc:
            raise FieldError("level", exc.message) from exc
    actions.set_ticket_level(ticket=ticket, level=level, actor=actor_of(request))
    ticket.refresh_from_db()
    return ticket_sla(ticket, clock.now())
