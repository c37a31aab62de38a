"""The events subscriber: queue a delivery for every enabled webhook of the account that wants the event."""

from __future__ import annotations

from helpline.events import types as e
from helpline.events.decisions import decide
from helpline.webhooks import catalog, delivery
from helpline.webhooks.models import Webhook
from helpline.webhooks.selectors import active_webhooks


def _wants(hook, event: e.Event, ticket, data: dict) -> bool:
    if event.name not in hook.event_types:
        return False
    if hook.department_ids and (ticket is None or ticket.department_id not in hook.department_ids):
        return False
    if hook.kind == Webhook.SLACK and isinstance(event, e.MessageReceived):
        # Slack posts "new ticket" for the first message already; replies are the later ones.
        return data["message"]["direction"] == "in" and ticket.message_count > 1
    return True


def queue_webhook_deliveries(event: e.Event) -> None:
    """One delivery per webhook that wants the event. The account's webhooks are read once per bulk chunk
    (``helpline.events.decisions``): an account with none for this event type costs no lookup per ticket."""
    account_id = event.account_id
    hooks = decide(("webhooks", account_id), lambda: active_webhooks(account_id))
    hooks = [hook for hook in hooks if event.name in hook.event_types]
    if not hooks:
        return
    built = catalog.event_data(event)
    if built is None:  # what the event is about is gone already
        return
    data, ticket = built
    event_id = catalog.new_event_id()
    for hook in hooks:
        if not _wants(hook, event, ticket, data):
            continue
        payload = catalog.envelope(
            event_type=event.name, account_public_id=hook.account_public_id, data=data, event_id=event_id
        )
        delivery.queue(webhook_id=hook.id, account_id=event.account_id, payload=payload)
