"""Huey tasks of automation: the time-rule sweep, every minute on the scheduler."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from helpline.automation.timerules.sweep import sweep


@db_periodic_task(crontab(minute="*"))
def sweep_time_rules() -> dict[str, int]:
    """Idempotent: a rule fires at most once per ticket and clock value, however many workers run this at once."""
    outcome = sweep()
    return {"rules": outcome.rules, "judged": outcome.judged, "fired": outcome.fired, "skipped": outcome.skipped}
