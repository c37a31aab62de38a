"""Reads of webhooks, their deliveries and the account's allowed ranges; every read is account-scoped."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from helpline.webhooks.models import Webhook, WebhookDelivery, WebhookSettings

CACHE_SECONDS = 300


@dataclass(frozen=True)
class HookSnapshot:
    """What the events subscriber needs to pick the webhooks of an event, cached per account."""

    id: int
    kind: str
    event_types: frozenset[str]
    department_ids: frozenset[int]
    account_public_id: str


def _cache_key(account_id: int) -> str:
    return f"webhooks:active:{account_id}"


def forget_active_webhooks(account_id: int) -> None:
    cache.delete(_cache_key(account_id))


def active_webhooks(account_id: int) -> list[HookSnapshot]:
    hooks = cache.get(_cache_key(account_id))
    if hooks is None:
        rows = Webhook.objects.filter(account_id=account_id, is_active=True).select_related("account")
        hooks = [
            HookSnapshot(
                id=w.pk,
                kind=w.kind,
                event_types=frozenset(w.event_types),
                department_ids=frozenset(d.pk for d in w.departments.all()),
                account_public_id=w.account.public_id,
            )
            for w in rows.prefetch_related("departments")
        ]
        cache.set(_cache_key(account_id), hooks, CACHE_SECONDS)
    return hooks


def list_webhooks(account) -> list[Webhook]:
    return list(Webhook.objects.filter(account=account).prefetch_related("departments"))


def get_webhook(account, public_id: str) -> Webhook | None:
    return Webhook.objects.filter(account=account, public_id=public_id).prefetch_related("departments").first()


def list_deliveries(webhook, *, before_id: int | None = None, limit: int = 50) -> list[WebhookDelivery]:
    """Newest first; ``before_id`` is the keyset cursor."""
    rows = WebhookDelivery.objects.filter(account_id=webhook.account_id, webhook=webhook).select_related("webhook")
    if before_id:
        rows = rows.filter(pk__lt=before_id)
    return list(rows.order_by("-id")[:limit])


def allowed_ranges(account_id: int) -> list[str]:
    row = WebhookSettings.objects.filter(account_id=account_id).first()
    return list(row.allowed_ranges) if row else []


def display_url(webhook) -> str:
    """The URL as shown back in the UI and the API: a Slack URL is a secret itself, so only its start shows."""
    if webhook.kind != Webhook.SLACK:
        return webhook.url
    from urllib.parse import urlsplit

    parts = urlsplit(webhook.url)
    first = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
    return f"{parts.scheme}://{parts.hostname}/{first}/…" if first else f"{parts.scheme}://{parts.hostname}/…"
