"""Create, change, enable, order and delete time rules: validated, audited, within the plan's limit. A change
resets the rule's sweep position, so the changed rule judges every ticket again (firings keep it from acting twice
on the same state)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helpline.automation.models import TimeRule
from helpline.automation.timerules.schema import validate_time_rule
from helpline.core.actors import Actor
from helpline.core.ordering import moved_in_order, put_in_order
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit


def _summary(rule: TimeRule) -> dict:
    return {
        "name": rule.name,
        "clock": rule.clock,
        "after_minutes": rule.after_minutes,
        "hours": rule.hours,
        "calendar": rule.calendar.public_id if rule.calendar_id else None,
        "enabled": rule.enabled,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }


@transaction.atomic
def create_time_rule(
    *, account, name, clock, after_minutes, hours="calendar", calendar=None, conditions=None, actions,
    note: str = "", enabled: bool = True, actor: Actor,
) -> TimeRule:  # fmt: skip
    """A new time rule, last in the order. 402 (LimitReached) past the plan's number of time rules."""
    ensure_within_limit(account, "time_rules", current=TimeRule.objects.filter(account=account).count())
    fields = validate_time_rule(account, name=name, clock=clock, after_minutes=after_minutes, hours=hours,
                                calendar=calendar, conditions=conditions, actions=actions)  # fmt: skip
    last = TimeRule.objects.filter(account=account).aggregate(n=Max("position"))["n"]
    rule = TimeRule.objects.create(
        account=account, note=(note or "").strip()[:5000], enabled=bool(enabled), position=(last or 0) + 1, **fields
    )
    audit.record(account=account, actor=actor, action="time_rule.created", subject=rule, data=_summary(rule))
    return rule


@transaction.atomic
def update_time_rule(
    *, rule: TimeRule, name, clock, after_minutes, hours, calendar, conditions, actions, note: str = "",
    enabled: bool = True, actor: Actor,
) -> TimeRule:  # fmt: skip
    fields = validate_time_rule(rule.account, name=name, clock=clock, after_minutes=after_minutes, hours=hours,
                                calendar=calendar, conditions=conditions, actions=actions)  # fmt: skip
    before = _summary(rule)
    for key, value in {**fields, "note": (note or "").strip()[:5000], "enabled": bool(enabled)}.items():
        setattr(rule, key, value)
    after = _summary(rule)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if set(changes) - {"name", "enabled"}:
        rule.swept_at, rule.swept_id = None, 0  # judge every ticket again by the changed rule
    rule.save()
    audit.record(account=rule.account, actor=actor, action="time_rule.updated", subject=rule, data=changes)
    return rule


@transaction.atomic
def set_time_rule_enabled(*, rule: TimeRule, enabled: bool, actor: Actor) -> TimeRule:
    if rule.enabled == enabled:
        return rule
    rule.enabled = enabled
    rule.save(update_fields=["enabled", "updated_at"])
    changes = {"enabled": [not enabled, enabled]}
    audit.record(account=rule.account, actor=actor, action="time_rule.updated", subject=rule, data=changes)
    return rule


@transaction.atomic
def reorder_time_rules(*, account, public_ids: list[str], actor: Actor) -> list[TimeRule]:
    """Put the account's time rules in this order; ``public_ids`` must name each of them exactly once."""
    ordered, changed = put_in_order(
        TimeRule.objects.filter(account=account),
        public_ids,
        refusal=_("List every time rule of the account exactly once."),
    )
    if changed:
        audit.record(
            account=account, actor=actor, action="time_rule.reordered", subject=account, data={"order": public_ids}
        )
    return ordered


@transaction.atomic
def move_time_rule(*, rule: TimeRule, offset: int, actor: Actor) -> list[TimeRule]:
    """Move the rule up (offset -1) or down (+1) by that many places."""
    order = moved_in_order(TimeRule.objects.filter(account_id=rule.account_id), rule.public_id, offset)
    return reorder_time_rules(account=rule.account, public_ids=order, actor=actor)


@transaction.atomic
def delete_time_rule(*, rule: TimeRule, actor: Actor) -> None:
    audit.record(account=rule.account, actor=actor, action="time_rule.deleted", subject=rule, data=_summary(rule))
    rule.delete()
