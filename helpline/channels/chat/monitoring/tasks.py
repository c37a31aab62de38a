"""The retention sweep: visitor data older than the account keeps it goes, once an hour."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from helpline.channels.chat.monitoring.actions import purge_old_visits

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="23"))
def purge_visitor_data() -> int:
    deleted = purge_old_visits()
    if deleted:
        log.info("visitor monitoring: %s visits past their account's retention deleted", deleted)
    return deleted
