"""The rule engine: on each ticket event, run the account's enabled rules for its trigger, in order.

Rules run synchronously right after the event's transaction commits (an events subscriber), not in a Huey task:
the compiled rules make an event cost well under a few milliseconds, the actions are quick local writes, and
agents see the outcome (assignment, tags, priority) in the same refresh as the ticket itself, in order, on both
the embedded and the scale-out shape. Slow side effects (sending mail) already leave through their own tasks.

Every matching rule is judged on the ticket as it was when the event happened; each runs its actions in its own
savepoint, so a failing rule undoes only itself, is logged with its error, and the next rule still runs.

Loop guard: the events a rule's actions cause carry the causation chain (``Event.causation``). A rule never
runs for an event its own actions caused (directly or through other rules), and a chain stops after
``MAX_DEPTH`` rules.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.automation.compiler import CompiledRule, rules_for
from helpline.automation.context import RuleContext
from helpline.automation.executors import execute
from helpline.automation.models import RuleExecution
from helpline.automation.triggers import TRIGGER_OF_EVENT
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.events import causation
from helpline.events import types as ev

log = logging.getLogger(__name__)

MAX_DEPTH = 5


def run_event_rules(event: ev.Event) -> None:
    """The events subscriber (helpline.events.subscribers lists it for every trigger's events)."""
    trigger = TRIGGER_OF_EVENT.get(type(event))
    if trigger is None:
        return
    rules = rules_for(event.account_id, trigger)
    if not rules:
        return
    ctx = RuleContext.for_event(event)
    if ctx is None:  # the ticket is gone
        return
    matched = rules.matching(ctx)  # all judged before any acts: one snapshot
    if not matched:
        return
    with transaction.atomic():
        for rule in matched:
            if _run(rule, ctx, event) and rule.stops:
                break


def _log(rule: CompiledRule, ctx: RuleContext, event: ev.Event, outcome: str, results=(), error: str = "") -> None:
    RuleExecution.objects.create(
        account_id=event.account_id,
        rule_id=rule.id,
        rule_name=rule.name,
        ticket=ctx.ticket,
        event=event.name,
        outcome=outcome,
        depth=len(event.causation),
        results=list(results),
        error=error[:2000],
    )


def _run(rule: CompiledRule, ctx: RuleContext, event: ev.Event) -> bool:
    """Run one matching rule's actions; True when they all ran."""
    chain = event.causation
    if rule.chain_id in chain:
        _log(rule, ctx, event, RuleExecution.LOOP)
        return False
    if len(chain) >= MAX_DEPTH:
        _log(rule, ctx, event, RuleExecution.TOO_DEEP)
        return False
    return apply(
        rule, ctx, chain, lambda outcome, results=(), error="": _log(rule, ctx, event, outcome, results, error)
    )


def apply(rule: CompiledRule, ctx: RuleContext, chain: tuple[int, ...], record) -> bool:
    """Run the rule's actions in a savepoint with the rule in the causation chain, then ``record(outcome, results,
    error)`` what happened (event rules and time rules alike); True when they all ran."""
    actor = Actor(rule=rule)
    results: list[dict] = []
    try:
        with transaction.atomic(), causation.caused_by((*chain, rule.chain_id)):
            for action in rule.actions:
                step = execute(ctx.ticket, action, ctx, actor)
                results.append(step.as_dict(action["type"]))
                ctx.ticket.refresh_from_db()
    except DomainError as exc:
        record(RuleExecution.FAILED, results, str(exc.message))
        ctx.ticket.refresh_from_db()
        return False
    except Exception:
        log.exception("%s rule %s failed on ticket %s", rule.kind, rule.public_id, ctx.ticket.pk)
        record(RuleExecution.FAILED, results, _("Unexpected error; it has been logged."))
        ctx.ticket.refresh_from_db()
        return False
    record(RuleExecution.APPLIED, results)
    return True


def explain(rule: CompiledRule, ctx: RuleContext) -> list[dict]:
    """Each condition group with each condition's actual value and whether it holds."""
    groups = []
    for group in rule.groups:
        conditions = []
        for c in group.conditions:
            actual, holds = ctx.get(c.field), c.test(ctx.norm(c.field))
            conditions.append({"field": c.field, "op": c.op, "value": c.value, "actual": actual, "holds": holds})
        groups.append(
            {"match": "all" if group.match_all else "any", "holds": group.holds(ctx), "conditions": conditions}
        )
    return groups  # fmt: skip


def dry_run(rule: CompiledRule, ticket) -> dict:
    """What the rule would do to the ticket now, without doing it: conditions explained, actions described."""
    ctx = RuleContext(ticket)
    matched = rule.matches(ctx)  # the closures: the reference the generated matcher is tested against
    actions = []
    for action in rule.actions:
        try:
            step = execute(ticket, action, ctx, Actor(rule=rule), dry=True)
            actions.append({**step.as_dict(action["type"]), "error": ""})
        except DomainError as exc:
            actions.append({"type": action["type"], "summary": "", "changed": False, "error": str(exc.message)})
    return {"matched": matched, "match": "all" if rule.match_all else "any", "groups": explain(rule, ctx),
            "actions": actions}  # fmt: skip
