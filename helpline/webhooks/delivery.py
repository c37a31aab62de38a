"""Delivering one event to one webhook: queue a row, attempt it, log the answer, retry with backoff.

Each attempt is its own ``WebhookDelivery`` row (the log shows every response code). A row is claimed before
its request (``attempted_at`` set where it was empty), so a task that runs twice sends once. A failed attempt
(network error, timeout, any answer other than 2xx — redirects are not followed) queues the next one after
``BACKOFF``; after ``MAX_ATTEMPTS`` the event is given up. A refused address is not retried: it needs an admin.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.webhooks import network, signing, slack
from helpline.webhooks.models import Webhook, WebhookDelivery
from helpline.webhooks.selectors import allowed_ranges

log = logging.getLogger(__name__)

BACKOFF = (30, 120, 600, 3600, 6 * 3600)  # seconds before attempts 2, 3, 4, 5, 6
MAX_ATTEMPTS = len(BACKOFF) + 1


def backoff_seconds(attempt: int) -> int:
    """The wait after failed attempt number ``attempt`` (1-based)."""
    return BACKOFF[min(attempt, len(BACKOFF)) - 1]


def queue(*, webhook_id: int, account_id: int, payload: dict, attempt: int = 1, delay: int = 0) -> WebhookDelivery:
    """Store the attempt first (nothing is lost), then enqueue it once the row is committed."""
    from helpline.webhooks.tasks import deliver_webhook

    delivery = WebhookDelivery.objects.create(
        account_id=account_id,
        webhook_id=webhook_id,
        event_id=payload["id"],
        event_type=payload["type"],
        payload=payload,
        attempt=attempt,
        due_at=clock.now() + timedelta(seconds=delay),
    )
    if delay:
        transaction.on_commit(lambda: deliver_webhook.schedule((delivery.pk,), delay=delay))
    else:
        transaction.on_commit(lambda: deliver_webhook(delivery.pk))
    return delivery


def body_for(webhook: Webhook, payload: dict) -> bytes:
    message = slack.message_for(payload) if webhook.kind == Webhook.SLACK else payload
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def headers_for(webhook: Webhook, payload: dict, body: bytes) -> dict[str, str]:
    if webhook.kind == Webhook.SLACK:
        return {}
    timestamp = int(clock.now().timestamp())
    return {
        signing.HEADER: signing.signature(webhook.secret, timestamp, body),
        "X-Helpline-Event": payload["type"],
        "X-Helpline-Delivery": payload["id"],
    }


def attempt(delivery_id: int, *, retry: bool = True) -> WebhookDelivery | None:
    """Make the request of a pending delivery; None when it is not pending (done, or claimed elsewhere)."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.PENDING, attempted_at__isnull=True
    ).update(attempted_at=clock.now())
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    if not webhook.is_active and delivery.event_type != "webhook.test":
        return _finish(delivery, WebhookDelivery.FAILED, error=_("The webhook is disabled."))
    body = body_for(webhook, delivery.payload)
    try:
        answer = network.post_json(
            webhook.url,
            body,
            headers=headers_for(webhook, delivery.payload, body),
            allowed_ranges=allowed_ranges(webhook.account_id),
        )
    except network.Refused as exc:
        return _finish(delivery, WebhookDelivery.REFUSED, error=str(exc.message))
    except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
        delivery = _finish(delivery, WebhookDelivery.FAILED, error=_network_error(exc))
    except Exception as exc:  # never leave a claimed attempt pending: log it as failed, and retry it
        log.exception("webhook delivery %s failed unexpectedly", delivery.public_id)
        delivery = _finish(delivery, WebhookDelivery.FAILED, error=_network_error(exc))
    else:
        ok = 200 <= answer.status_code < 300
        error = ""
        if 300 <= answer.status_code < 400:
            error = _("The endpoint answered with a redirect, which is not followed.")
        elif not ok:
            error = _("The endpoint answered %(code)d.") % {"code": answer.status_code}
        delivery = _finish(
            delivery,
            WebhookDelivery.SUCCEEDED if ok else WebhookDelivery.FAILED,
            status_code=answer.status_code,
            error=error,
            excerpt=answer.excerpt,
            duration_ms=answer.duration_ms,
        )
    if delivery.status == WebhookDelivery.FAILED and retry and delivery.attempt < MAX_ATTEMPTS:
        with transaction.atomic():
            queue(
                webhook_id=webhook.pk,
                account_id=delivery.account_id,
                payload=delivery.payload,
                attempt=delivery.attempt + 1,
                delay=backoff_seconds(delivery.attempt),
            )
    return delivery


def _network_error(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return _("The endpoint did not answer in time.")
    return _("Could not reach the endpoint: %(error)s") % {"error": str(exc) or exc.__class__.__name__}


def _finish(delivery, status, *, status_code=None, error="", excerpt="", duration_ms=None) -> WebhookDelivery:
    delivery.status = status
    delivery.status_code = status_code
    delivery.error = error[:2000]
    delivery.response_excerpt = excerpt
    delivery.duration_ms = duration_ms
    delivery.save(update_fields=["status", "status_code", "error", "response_excerpt", "duration_ms"])
    if status != WebhookDelivery.SUCCEEDED:
        log.info("webhook %s delivery %s: %s", delivery.webhook.public_id, delivery.public_id, error)
    return delivery


def due_ids(limit: int = 500) -> list[int]:
    """Pending attempts whose time has come and that nobody claimed (a lost task, a restart)."""
    rows = WebhookDelivery.objects.filter(
        status=WebhookDelivery.PENDING, attempted_at__isnull=True, due_at__lte=clock.now()
    ).order_by("due_at")
    return list(rows.values_list("pk", flat=True)[:limit])
