"""Create, change, enable, order and delete event rules: validated, audited, the rule book's version moved."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helpline.automation import compiler
from helpline.automation.models import Rule, RuleBook
from helpline.automation.schema import validate_rule
from helpline.core.actors import Actor
from helpline.core.ordering import moved_in_order, put_in_order
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit


def _changed(account_id: int, rule_id: int, change: str, actor: Actor) -> None:
    """Move the account's rule-book version (every process recompiles) and say what changed."""
    book, _created = RuleBook.objects.select_for_update().get_or_create(account_id=account_id)
    book.version = secrets.randbits(62)
    book.save(update_fields=["version"])
    version = book.version
    compiler.publish_version(account_id, None)  # until the commit: the database's (still the old) version
    transaction.on_commit(lambda: compiler.publish_version(account_id, version))
    publish_on_commit(
        ev.EventRuleChanged(account_id=account_id, actor_user_id=actor.user_id, rule_id=rule_id, change=change)
    )


def _summary(rule: Rule) -> dict:
    return {
        "name": rule.name,
        "trigger": rule.trigger,
        "enabled": rule.enabled,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }


@transaction.atomic
def create_rule(
    *, account, name: str, trigger: str, conditions, actions, note: str = "", enabled: bool = True, actor: Actor
) -> Rule:
    """A new rule, last in the order. 402 (LimitReached) past the plan's number of event rules."""
    ensure_within_limit(account, "event_rules", current=Rule.objects.filter(account=account).count())
    fields = validate_rule(account, name=name, trigger=trigger, conditions=conditions, actions=actions)
    last = Rule.objects.filter(account=account).aggregate(n=Max("position"))["n"]
    rule = Rule.objects.create(
        account=account, note=(note or "").strip()[:5000], enabled=bool(enabled), position=(last or 0) + 1, **fields
    )
    audit.record(account=account, actor=actor, action="event_rule.created", subject=rule, data=_summary(rule))
    _changed(account.pk, rule.pk, "created", actor)
    return rule


@transaction.atomic
def update_rule(
    *, rule: Rule, name: str, trigger: str, conditions, actions, note: str = "", enabled: bool = True, actor: Actor
) -> Rule:
    fields = validate_rule(rule.account, name=name, trigger=trigger, conditions=conditions, actions=actions)
    before = _summary(rule)
    for key, value in {**fields, "note": (note or "").strip()[:5000], "enabled": bool(enabled)}.items():
        setattr(rule, key, value)
    rule.save()
    after = _summary(rule)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit.record(account=rule.account, actor=actor, action="event_rule.updated", subject=rule, data=changes)
    _changed(rule.account_id, rule.pk, "updated", actor)
    return rule


@transaction.atomic
def set_rule_enabled(*, rule: Rule, enabled: bool, actor: Actor) -> Rule:
    if rule.enabled == enabled:
        return rule
    rule.enabled = enabled
    rule.save(update_fields=["enabled", "updated_at"])
    changes = {"enabled": [not enabled, enabled]}
    audit.record(account=rule.account, actor=actor, action="event_rule.updated", subject=rule, data=changes)
    _changed(rule.account_id, rule.pk, "updated", actor)
    return rule


@transaction.atomic
def reorder_rules(*, account, public_ids: list[str], actor: Actor) -> list[Rule]:
    """Put the account's rules in this order; ``public_ids`` must name each of them exactly once."""
    ordered, changed = put_in_order(
        Rule.objects.filter(account=account),
        public_ids,
        refusal=_("List every event rule of the account exactly once."),
    )
    if changed:
        audit.record(
            account=account, actor=actor, action="event_rule.reordered", subject=account, data={"order": public_ids}
        )
        _changed(account.pk, ordered[0].pk if ordered else 0, "reordered", actor)
    return ordered


@transaction.atomic
def move_rule(*, rule: Rule, offset: int, actor: Actor) -> list[Rule]:
    """Move the rule up (offset -1) or down (+1) by that many places."""
    order = moved_in_order(Rule.objects.filter(account_id=rule.account_id), rule.public_id, offset)
    return reorder_rules(account=rule.account, public_ids=order, actor=actor)


@transaction.atomic
def delete_rule(*, rule: Rule, actor: Actor) -> None:
    audit.record(account=rule.account, actor=actor, action="event_rule.deleted", subject=rule, data=_summary(rule))
    rule_id = rule.pk
    rule.delete()
    _changed(rule.account_id, rule_id, "deleted", actor)
