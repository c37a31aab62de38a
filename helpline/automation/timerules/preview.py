""" "Test this time rule on ticket X": the clock and whether its time has come, the conditions explained and the
actions described, without doing anything (the event rules' dry run plus the clock)."""

from __future__ import annotations

from datetime import timedelta

from helpline.automation.compiler import compile_rule
from helpline.automation.engine import dry_run
from helpline.automation.fields import custom_kinds_of
from helpline.automation.models import TimeRule, TimeRuleFiring
from helpline.automation.timerules import clocks
from helpline.core import clock as wall


def preview(rule: TimeRule, ticket) -> dict:
    now = wall.now()
    since = getattr(ticket, clocks.column(rule.clock))
    schedule = rule.calendar.as_schedule() if rule.hours == TimeRule.BUSINESS_HOURS and rule.calendar else None
    elapsed = clocks.elapsed(since, now, schedule) if since is not None else timedelta(0)
    orphaned = rule.hours == TimeRule.BUSINESS_HOURS and rule.calendar is None  # its calendar was deleted
    due = since is not None and not orphaned and elapsed >= timedelta(minutes=rule.after_minutes)
    fired = since is not None and TimeRuleFiring.objects.filter(rule=rule, ticket=ticket, state=since).exists()
    result = dry_run(compile_rule(rule, custom_kinds_of(rule.account)), ticket)
    result["clock"] = {
        "since": since,
        "elapsed_minutes": int(elapsed.total_seconds() // 60),
        "after_minutes": rule.after_minutes,
        "due": due,
        "fired": fired,
    }
    result["would_fire"] = bool(due and not fired and result["matched"])
    return result
