"""Huey tasks: one attempt per task; a periodic sweep picks up attempts whose task was lost (a restart)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from helpline.webhooks import delivery


@db_task()
def deliver_webhook(delivery_id: int) -> str:
    """Idempotent: an attempt made or claimed already is skipped."""
    result = delivery.attempt(delivery_id)
    return "skipped" if result is None else result.status


@db_periodic_task(crontab(minute="*"))
def sweep_webhook_deliveries() -> int:
    ids = delivery.due_ids()
    for delivery_id in ids:
        deliver_webhook(delivery_id)
    return len(ids)
