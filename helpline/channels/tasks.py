"""Sending a queued reply through its channel, with retries and backoff."""

from __future__ import annotations

import logging

from huey import crontab  # noqa: F401  (periodic tasks are declared in their own modules)
from huey.contrib.djhuey import HUEY, db_task
from huey.exceptions import RetryTask

from helpline.channels.base import PermanentFailure, TemporaryFailure
from helpline.channels.registry import registry
from helpline.conversations.models import Message
from helpline.conversations.statuses import Delivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def backoff_seconds(attempt: int) -> int:
    return min(30 * 2 ** max(attempt - 1, 0), 3600)


@db_task()
def deliver_message(message_id: int) -> str:
    """Idempotent: a message already sent or failed for good is left alone."""
    from helpline.conversations.actions import record_delivery

    message = Message.objects.select_related("ticket__contact").filter(pk=message_id).first()
    if message is None or message.delivery_status in (Delivery.SENT, Delivery.FAILED):
        return "skipped"
    # A message may go out through another channel than its ticket's (a forward from a chat ticket is email).
    adapter = registry.get((message.meta or {}).get("channel") or message.ticket.channel)
    try:
        result = adapter.send(message)
    except PermanentFailure as exc:
        record_delivery(message=message, status=Delivery.FAILED, error=str(exc))
        return "failed"
    except TemporaryFailure as exc:
        message = record_delivery(message=message, status=Delivery.RETRYING, error=str(exc))
        if message.delivery_attempts >= MAX_ATTEMPTS:
            record_delivery(message=message, status=Delivery.FAILED, error=str(exc))
            return "failed"
        raise RetryTask(delay=backoff_seconds(message.delivery_attempts)) from exc
    record_delivery(message=message, status=Delivery.SENT, external_id=result.external_id)
    log.info("message %s sent on %s", message.public_id, adapter.kind)
    return "sent"


__all__ = ["HUEY", "deliver_message"]
