"""Which SLA level a ticket gets: the account's enabled SLA rules in order, judged by the event rules' own
compiled conditions (helpline.automation.compiler) on the event rules' context; the first that holds wins."""

from __future__ import annotations

from helpline.automation.compiler import CompiledRule, compile_conditions, trigger_rules
from helpline.automation.context import RuleContext
from helpline.automation.fields import custom_kinds_of


def compiled_rules(account) -> tuple[list, object]:
    """(the enabled rules in order, their matcher)."""
    from helpline.sla.models import SlaRule

    rules = list(SlaRule.objects.filter(account=account, enabled=True).order_by("position", "id"))
    if not rules:
        return [], None
    kinds = custom_kinds_of(account)
    compiled = []
    for rule in rules:
        match_all, groups = compile_conditions(rule.conditions or {}, kinds)
        compiled.append(CompiledRule(rule.pk, rule.public_id, rule.name, "sla", match_all, groups, ()))
    return rules, trigger_rules(compiled, kinds)


def choose_rule(ticket, event=None):
    """The first enabled SLA rule whose conditions hold for the ticket, or None."""
    rules, matcher = compiled_rules(ticket.account)
    if not rules:
        return None
    matching = matcher.matching(RuleContext(ticket, event))
    if not matching:
        return None
    by_id = {rule.pk: rule for rule in rules}
    return by_id[matching[0].id]
