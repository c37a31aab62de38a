"""Automation's event subscribers (listed in helpline.events.subscribers)."""

from __future__ import annotations

from helpline.automation import compiler, engine
from helpline.automation.triggers import TRIGGER_OF_EVENT
from helpline.events import types as ev
from helpline.events.decisions import batching, decide

__all__ = ["forget_compiled_rules", "has_event_rules", "run_event_rules"]


def has_event_rules(account_id: int, trigger: str) -> bool:
    """Whether the account has an enabled event rule for ``trigger`` (a rule-book version lookup; decided once
    per bulk chunk inside ``once_per_batch``)."""
    return decide(("event_rules", account_id, trigger), lambda: bool(compiler.rules_for(account_id, trigger)))


def run_event_rules(event: ev.Event) -> None:
    """The engine's subscriber. In a bulk chunk an account without a rule for the event's trigger is skipped on
    the chunk's one lookup; a single event goes straight to the engine, which reads the rule book once anyway."""
    trigger = TRIGGER_OF_EVENT.get(type(event))
    if trigger is None or (batching() and not has_event_rules(event.account_id, trigger)):
        return
    engine.run_event_rules(event)


def forget_compiled_rules(event: ev.EventRuleChanged) -> None:
    """This process drops its compiled rules at once; others see the rule book's version move."""
    compiler.forget(event.account_id)
