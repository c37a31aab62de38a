"""/webhooks: outgoing webhooks and Slack notifications, so a team can provision them as code."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.webhooks import (
    DeliveryOut,
    DeliveryPage,
    DeliveryQuery,
    SecretOut,
    WebhookCreated,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookPatch,
)
from helpline.core.errors import NotFound
from helpline.tenancy.models import Department
from helpline.webhooks import actions, selectors

router = Router(tags=["webhooks"])


def _access(request, public_id: str):
    webhook = selectors.get_webhook(account_of(request), public_id)
    if webhook is None:
        raise NotFound(_("No such webhook."))
    return webhook


def _departments(account, ids: list[str]) -> list:
    found = {d.public_id: d for d in Department.objects.filter(account=account, public_id__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise FieldError("departments", _("Unknown department %(id)s.") % {"id": missing[0]})
    return [found[i] for i in dict.fromkeys(ids)]


@router.get("/webhooks", response=responses({200: WebhookList}), summary="List webhooks")
def list_webhooks(request):
    """By name. An account has at most 100 webhooks, so the list is not paginated."""
    return {"items": selectors.list_webhooks(account_of(request))}


@router.post("/webhooks", response=responses({201: WebhookCreated}, 409), summary="Create a webhook")
def create_webhook(request, payload: WebhookIn):
    """The answer carries the signing secret, shown this once."""
    account = account_of(request)
    try:
        webhook, _secret = actions.create_webhook(
            account=account,
            name=payload.name,
            kind=payload.kind,
            url=payload.url,
            event_types=payload.event_types,
            departments=_departments(account, payload.departments),
            is_active=payload.enabled,
            actor=actor_of(request),
        )
    except actions.InvalidField as exc:
        raise FieldError(exc.field, exc.message) from exc
    return 201, webhook


@router.get("/webhooks/{id}", response=responses({200: WebhookOut}), summary="Get a webhook")
def get_webhook(request, id: str):
    return _access(request, id)


@router.patch("/webhooks/{id}", response=responses({200: WebhookOut}), summary="Change a webhook")
def update_webhook(request, id: str, payload: WebhookPatch):
    webhook = _access(request, id)
    fields = payload.model_dump(exclude_unset=True)
    changes = {}
    for key in ("name", "url", "event_types"):
        if fields.get(key) is not None:
            changes[key] = fields[key]
    if fields.get("enabled") is not None:
        changes["is_active"] = fields["enabled"]
    if fields.get("departments") is not None:
        changes["departments"] = _departments(webhook.account, fields["departments"])
    try:
        webhook = actions.update_webhook(webhook=webhook, actor=actor_of(request), **changes)
    except actions.InvalidField as exc:
        raise FieldError(exc.field, exc.message) from exc
    return selectors.get_webhook(webhook.account, webhook.public_id)


@router.delete("/webhooks/{id}", response=responses({204: None}), summary="Delete a webhook")
def delete_webhook(request, id: str):
    """Its delivery log goes with it."""
    actions.delete_webhook(webhook=_access(request, id), actor=actor_of(request))
    return 204, None


@router.post("/webhooks/{id}/rotate-secret", response=responses({200: SecretOut}), summary="Rotate the secret")
def rotate_webhook_secret(request, id: str):
    """A new signing secret, effective at once (the old one stops working), shown in this answer only. 400 for
    a Slack webhook, which has none."""
    return {"secret": actions.rotate_secret(webhook=_access(request, id), actor=actor_of(request))}


@router.post("/webhooks/{id}/test", response=responses({200: DeliveryOut}), summary="Send a test event")
def send_webhook_test(request, id: str):
    """Sends a `webhook.test` event now, once, and returns the logged attempt (response code, error)."""
    return actions.send_test_event(webhook=_access(request, id), actor=actor_of(request))


@router.get("/webhooks/{id}/deliveries", response=responses({200: DeliveryPage}), summary="List deliveries")
def list_webhook_deliveries(request, id: str, params: Query[DeliveryQuery]):
    """Every attempt, newest first; a retry is a new attempt with the same `event_id`."""
    webhook = _access(request, id)
    page = selectors.list_deliveries(webhook, before_id=decode_id(params.cursor), limit=params.limit + 1)
    items = page[: params.limit]
    next_cursor = encode_value(items[-1].pk) if len(page) > params.limit else None
    return {"items": items, "next_cursor": next_cursor}
