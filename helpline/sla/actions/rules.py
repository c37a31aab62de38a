"""Create, change, order and delete SLA rules: validated, audited, within the plan."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helpline.core.actors import Actor
from helpline.core.ordering import moved_in_order, put_in_order
from helpline.security import audit
from helpline.sla.models import SlaRule
from helpline.sla.validation import clean_rule
from helpline.tenancy.plans import ensure_within_limit


def _summary(rule: SlaRule) -> dict:
    return {"name": rule.name, "level": rule.level.public_id, "enabled": rule.enabled, "conditions": rule.conditions}


@transaction.atomic
def create_rule(*, account, name, level, conditions=None, enabled: bool = True, actor: Actor) -> SlaRule:
    """Added last in the order. 402 (LimitReached) past the plan's number of SLA rules."""
    ensure_within_limit(account, "sla_rules", current=SlaRule.objects.filter(account=account).count())
    fields = clean_rule(account, name=name, conditions=conditions or {}, level=level)
    last = SlaRule.objects.filter(account=account).aggregate(n=Max("position"))["n"]
    rule = SlaRule.objects.create(account=account, enabled=bool(enabled), position=(last or 0) + 1, **fields)
    audit.record(account=account, actor=actor, action="sla_rule.created", subject=rule, data=_summary(rule))
    return rule


@transaction.atomic
def update_rule(*, rule: SlaRule, name, level, conditions=None, enabled: bool = True, actor: Actor) -> SlaRule:
    fields = clean_rule(rule.account, name=name, conditions=conditions or {}, level=level)
    before = _summary(rule)
    for key, value in {**fields, "enabled": bool(enabled)}.items():
        setattr(rule, key, value)
    rule.save()
    after = _summary(rule)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record(account=rule.account, actor=actor, action="sla_rule.updated", subject=rule, data=changes)
    return rule


@transaction.atomic
def reorder_rules(*, account, public_ids: list[str], actor: Actor) -> list[SlaRule]:
    """Put the account's SLA rules in this order; ``public_ids`` must name each of them exactly once."""
    ordered, changed = put_in_order(
        SlaRule.objects.select_related("level").filter(account=account),
        public_ids,
        refusal=_("List every SLA rule of the account exactly once."),
    )
    if changed:
        audit.record(
            account=account, actor=actor, action="sla_rule.reordered", subject=account, data={"order": public_ids}
        )
    return ordered


@transaction.atomic
def move_rule(*, rule: SlaRule, offset: int, actor: Actor) -> list[SlaRule]:
    """Move the rule up (offset -1) or down (+1)."""
    order = moved_in_order(SlaRule.objects.filter(account_id=rule.account_id), rule.public_id, offset)
    return reorder_rules(account=rule.account, public_ids=order, actor=actor)


@transaction.atomic
def delete_rule(*, rule: SlaRule, actor: Actor) -> None:
    audit.record(account=rule.account, actor=actor, action="sla_rule.deleted", subject=rule, data=_summary(rule))
    rule.delete()
