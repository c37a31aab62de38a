"""Huey tasks of the email digests; a periodic sweep catches windows and sends whose task was lost."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from helpline.core import clock
from helpline.notifications import digest


@db_task()
def flush_digest(account_id: int, user_id: int) -> bool:
    return digest.flush(account_id, user_id) is not None


@db_task()
def send_digest_email(digest_id: int) -> str:
    return digest.send(digest_id)


@db_periodic_task(crontab(minute="*"))
def sweep_notification_digests() -> int:
    now = clock.now()
    made = sum(
        digest.flush(account_id, user_id, now=now) is not None for account_id, user_id in digest.due_pending(now)
    )
    for digest_id in digest.due_sends(now):
        send_digest_email(digest_id)
    return made
