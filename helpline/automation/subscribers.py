"""Automation's event subscribers (listed in helpline.events.subscribers)."""

from __future__ import annotations

from helpline.automation import compiler
from helpline.automation.engine import run_event_rules
from helpline.events import types as ev

__all__ = ["forget_compiled_rules", "run_event_rules"]


def forget_compiled_rules(event: ev.EventRuleChanged) -> None:
    """This process drops its compiled rules at once; others see the rule book's version move."""
    compiler.forget(event.account_id)
