"""Writes to replacement rules: create, change, delete, reorder. Each one atomic, validated and audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict
from helpline.core.ordering import moved_in_order, put_in_order
from helpline.replacements.models import ReplacementRule
from helpline.replacements.patterns import InvalidRule, compile_rule
from helpline.replacements.rewrite import forget_rules
from helpline.security import audit

MAX_RULES = 500  # per account: every inbound message runs through all of them
FIELDS = (
    "name", "pattern", "replacement", "is_regex", "case_sensitive", "in_subject", "in_body", "channels", "enabled",
)  # fmt: skip


def channel_kinds() -> list[tuple[str, str]]:
    """What a rule's channels filter on: the kinds of inbound messages (email, chat, contact form, …)."""
    from helpline.conversations.statuses import MessageKind

    return [(kind.value, kind.label) for kind in MessageKind if kind not in (MessageKind.NOTE, MessageKind.SYSTEM)]


def _clean(values: dict) -> dict:
    values = dict(values)
    values["name"] = (values.get("name") or "").strip()
    if len(values["name"]) > 100:
        raise InvalidRule("name", _("Use at most 100 characters for the name."))
    channels = list(dict.fromkeys(str(c) for c in values.get("channels") or ()))
    known = {kind for kind, _label in channel_kinds()}
    unknown = [c for c in channels if c not in known]
    if unknown:
        raise InvalidRule(
            "channels",
            _("Unknown channel %(channel)s; choose from: %(choices)s.")
            % {"channel": unknown[0], "choices": ", ".join(sorted(known))},
        )
    values["channels"] = channels
    if not (values.get("in_subject") or values.get("in_body")):
        raise InvalidRule("in_body", _("Apply the rule to the subject, the body or both."))
    return values


def _changed(account_id: int) -> None:
    forget_rules(account_id)
    transaction.on_commit(lambda: forget_rules(account_id))  # a process may have cached the old book in between


@transaction.atomic
def create_rule(
    *,
    account,
    pattern: str,
    replacement: str = "",
    name: str = "",
    is_regex: bool = False,
    case_sensitive: bool = False,
    in_subject: bool = True,
    in_body: bool = True,
    channels: list[str] | None = None,
    enabled: bool = True,
    actor: Actor = SYSTEM,
) -> ReplacementRule:
    """A new rule, last in the order. InvalidRule (422) names the bad field, e.g. a regex that does not compile."""
    values = _clean({
        "name": name, "pattern": pattern, "replacement": replacement, "is_regex": is_regex,
        "case_sensitive": case_sensitive, "in_subject": in_subject, "in_body": in_body,
        "channels": channels or [], "enabled": enabled,
    })  # fmt: skip
    rule = ReplacementRule(account=account, **values)
    compile_rule(rule)
    rules = ReplacementRule.objects.select_for_update().filter(account=account)
    if len(list(rules.values_list("id", flat=True))) >= MAX_RULES:
        raise Conflict(_("An account can have at most %(n)d replacement rules.") % {"n": MAX_RULES})
    rule.position = (rules.aggregate(m=Max("position"))["m"] or 0) + 1
    rule.save()
    audit.record(
        account=account,
        actor=actor,
        action="replacement_rule.created",
        subject=rule,
        data={field: getattr(rule, field) for field in FIELDS},
    )
    _changed(account.pk)
    return rule


@transaction.atomic
def update_rule(*, rule: ReplacementRule, actor: Actor = SYSTEM, **values) -> ReplacementRule:
    """Change the given fields (any of FIELDS); the whole rule is checked again."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    merged = _clean({**{field: getattr(rule, field) for field in FIELDS}, **values})
    changes = {}
    for field in FIELDS:
        before = getattr(rule, field)
        if before != merged[field]:
            changes[field] = [before, merged[field]]
            setattr(rule, field, merged[field])
    compile_rule(rule)
    if changes:
        rule.save()
        audit.record(account=rule.account, actor=actor, action="replacement_rule.changed", subject=rule, data=changes)
        _changed(rule.account_id)
    return rule


@transaction.atomic
def delete_rule(*, rule: ReplacementRule, actor: Actor = SYSTEM) -> None:
    audit.record(
        account=rule.account,
        actor=actor,
        action="replacement_rule.deleted",
        subject=rule,
        data={"pattern": rule.pattern, "replacement": rule.replacement},
    )
    rule.delete()
    _changed(rule.account_id)


@transaction.atomic
def reorder_rules(*, account, public_ids: list[str], actor: Actor = SYSTEM) -> list[ReplacementRule]:
    """Put the account's rules in this order; ``public_ids`` must name each of them exactly once."""
    ordered, changed = put_in_order(
        ReplacementRule.objects.filter(account=account),
        public_ids,
        refusal=_("List every replacement rule of the account exactly once."),
    )
    if changed:
        audit.record(
            account=account,
            actor=actor,
            action="replacement_rule.reordered",
            subject=account,
            data={"order": public_ids},
        )
        _changed(account.pk)
    return ordered


@transaction.atomic
def move_rule(*, rule: ReplacementRule, offset: int, actor: Actor = SYSTEM) -> list[ReplacementRule]:
    """Move the rule up (offset -1) or down (+1) by that many places."""
    order = moved_in_order(ReplacementRule.objects.filter(account_id=rule.account_id), rule.public_id, offset)
    return reorder_rules(account=rule.account, public_ids=order, actor=actor)
