"""The minute sweep: tickets left unassigned (nobody qualified) go to agents who qualify now, e.g. an agent who
opened the workspace or business hours that began. Idempotent: each ticket is locked and skipped once assigned."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from helpline.assignment.actions import assign_waiting
from helpline.assignment.models import STRATEGIES, AssignmentSetting
from helpline.tenancy.models import Account

log = logging.getLogger(__name__)


def sweep() -> int:
    account_ids = set(AssignmentSetting.objects.filter(mode__in=STRATEGIES).values_list("account_id", flat=True))
    assigned = 0
    for account in Account.objects.filter(pk__in=account_ids).order_by("pk"):
        try:
            assigned += assign_waiting(account)
        except Exception:  # one account's trouble never stops the others
            log.exception("automatic assignment sweep failed for account %s", account.pk)
    if assigned:
        log.info("automatic assignment sweep: %s tickets assigned", assigned)
    return assigned


@db_periodic_task(crontab(minute="*"))
def sweep_automatic_assignment() -> int:
    return sweep()
