"""Events reach webhooks for real: a local HTTP server records what arrives."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from helpline.conversations import actions as conversations
from helpline.security.models import AuditEntry
from helpline.webhooks import actions, delivery, signing
from helpline.webhooks.models import WebhookDelivery
from helpline.webhooks.tasks import sweep_webhook_deliveries


@pytest.fixture
def hook(account, recorder, allow_loopback):
    webhook, secret = actions.create_webhook(
        account=account, name="CRM", url=recorder.url + "/in", event_types=["ticket.created", "ticket.assigned"]
    )
    webhook.raw_secret = secret
    return webhook


def _make(make_ticket, account, capture, **kwargs):
    with capture(execute=True):
        return make_ticket(account, **kwargs)


def test_a_new_ticket_is_posted_signed_with_the_documented_payload(
    hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    ticket = _make(make_ticket, account, django_capture_on_commit_callbacks)
    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    body = request.json()
    assert set(body) == {"id", "type", "created_at", "account", "data"}
    assert body["type"] == "ticket.created"
    assert body["account"] == account.public_id
    assert body["id"].startswith("evt_")
    assert body["data"]["ticket"]["id"] == ticket.public_id
    assert body["data"]["ticket"]["code"] == ticket.code
    assert body["data"]["ticket"]["contact"]["email"] == "customer@example.com"
    assert body["data"]["ticket"]["url"] == f"http://127.0.0.1:8000/agent/tickets/{ticket.public_id}/"
    dumped = json.dumps(body)  # no internal key: neither a "pk" field nor the integer id (public ids may hold "pk")
    assert '"pk"' not in dumped and f'"id": {ticket.pk}' not in dumped
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-helpline-event"] == "ticket.created"
    assert request.headers["x-helpline-delivery"] == body["id"]
    signature = request.headers["x-helpline-signature"]
    assert signing.verify(hook.raw_secret, signature, request.body, now=int(time.time()))
    assert not signing.verify("whsec_wrong", signature, request.body, now=int(time.time()))
    assert not signing.verify(hook.raw_secret, signature, request.body + b" ", now=int(time.time()))
    row = WebhookDelivery.objects.get(webhook=hook)
    assert (row.status, row.status_code, row.attempt, row.event_id, row.error) == ("succeeded", 200, 1, body["id"], "")
    assert row.response_excerpt == "ok" and row.duration_ms is not None


def test_an_old_signature_is_refused_by_the_documented_check(hook):
    body = b'{"a":1}'
    header = signing.signature(hook.raw_secret, 1_000_000, body)
    assert signing.verify(hook.raw_secret, header, body, now=1_000_100)
    assert not signing.verify(hook.raw_secret, header, body, now=1_000_000 + 301)


def test_only_subscribed_events_are_sent(
    hook, account, agent, recorder, make_ticket, django_capture_on_commit_callbacks
):
    ticket = _make(make_ticket, account, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.assign_ticket(ticket=ticket, assignee=agent)
    types = [r.json()["type"] for r in recorder.requests]
    assert types == ["ticket.created", "ticket.assigned"]
    assigned = recorder.requests[1].json()["data"]
    assert assigned["from_assignee"] is None and assigned["to_assignee"] == agent.public_id


def test_failures_are_retried_with_backoff_and_every_code_is_logged(
    hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    recorder.answer(500, (503, {}, b"busy"))
    _make(make_ticket, account, django_capture_on_commit_callbacks)
    first, second = WebhookDelivery.objects.filter(webhook=hook).order_by("id")
    assert (first.attempt, first.status, first.status_code, first.error) == (
        1,
        "failed",
        500,
        "The endpoint answered 500.",
    )
    assert (second.attempt, second.status, second.attempted_at) == (2, "pending", None)
    assert 30 <= (second.due_at - first.attempted_at).total_seconds() < 31
    assert sweep_webhook_deliveries.call_local() == 0  # not due yet: nothing sent
    assert len(recorder.requests) == 1

    WebhookDelivery.objects.filter(pk=second.pk).update(due_at=second.due_at - timedelta(seconds=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_webhook_deliveries.call_local() == 1
    rows = list(WebhookDelivery.objects.filter(webhook=hook).order_by("id"))
    assert [(r.attempt, r.status, r.status_code) for r in rows] == [
        (1, "failed", 500),
        (2, "failed", 503),
        (3, "pending", None),
    ]
    assert rows[1].response_excerpt == "busy"
    assert 120 <= (rows[2].due_at - rows[1].attempted_at).total_seconds() < 121

    WebhookDelivery.objects.filter(pk=rows[2].pk).update(due_at=rows[2].due_at - timedelta(seconds=121))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_webhook_deliveries.call_local()
    rows = list(WebhookDelivery.objects.filter(webhook=hook).order_by("id"))
    assert [(r.attempt, r.status, r.status_code) for r in rows][-1] == (3, "succeeded", 200)
    assert len({r.event_id for r in rows}) == 1
    bodies = [r.json() for r in recorder.requests]
    assert len(bodies) == 3 and all(b == bodies[0] for b in bodies)  # the same event each time


def test_a_delivery_runs_once_even_when_its_task_runs_twice(
    hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    _make(make_ticket, account, django_capture_on_commit_callbacks)
    row = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.attempt(row.pk) is None
    assert len(recorder.requests) == 1


def test_the_last_attempt_gives_up(hook, account, recorder):
    recorder.answer(500)
    row = delivery.queue(
        webhook_id=hook.pk,
        account_id=account.pk,
        payload={"id": "evt_x", "type": "ticket.created", "created_at": "", "account": account.public_id, "data": {}},
        attempt=delivery.MAX_ATTEMPTS,
    )
    delivery.attempt(row.pk)
    assert list(WebhookDelivery.objects.filter(webhook=hook).values_list("attempt", "status")) == [(6, "failed")]


def test_redirects_are_logged_and_not_followed(
    hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    recorder.answer((301, {"Location": recorder.url + "/moved"}, b""))
    _make(make_ticket, account, django_capture_on_commit_callbacks)
    first = WebhookDelivery.objects.filter(webhook=hook).order_by("id").first()
    assert (first.status, first.status_code) == ("failed", 301)
    assert first.error == "The endpoint answered with a redirect, which is not followed."
    assert [r.path for r in recorder.requests] == ["/in"]


def test_without_the_allowed_range_loopback_is_refused_and_nothing_arrives(
    account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    hook, _secret = actions.create_webhook(
        account=account, name="X", url=recorder.url + "/in", event_types=["ticket.created"]
    )
    _make(make_ticket, account, django_capture_on_commit_callbacks)
    rows = list(WebhookDelivery.objects.filter(webhook=hook))
    assert [(r.status, r.status_code, r.attempt) for r in rows] == [("refused", None, 1)]  # and no retry
    assert "127.0.0.1 is not a public address" in rows[0].error
    assert recorder.requests == []


def test_disabled_webhooks_and_other_departments_get_nothing(
    hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    support = create_department(account=account, name="Billing")
    actions.update_webhook(webhook=hook, departments=[sales])
    _make(make_ticket, account, django_capture_on_commit_callbacks, department=support)
    assert recorder.requests == []
    _make(make_ticket, account, django_capture_on_commit_callbacks, department=sales)
    assert len(recorder.requests) == 1
    actions.update_webhook(webhook=hook, is_active=False)
    _make(make_ticket, account, django_capture_on_commit_callbacks, department=sales)
    assert len(recorder.requests) == 1
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_another_accounts_events_never_reach_the_webhook(
    hook, other_account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    _make(make_ticket, other_account, django_capture_on_commit_callbacks)
    assert recorder.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_every_change_is_audited(hook, account):
    actions.update_webhook(webhook=hook, name="CRM 2", url=hook.url + "?v=2")
    actions.rotate_secret(webhook=hook)
    actions.delete_webhook(webhook=hook)
    entries = list(AuditEntry.objects.filter(account=account, subject_type="webhook").order_by("id"))
    assert [e.action for e in entries] == [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
    assert entries[1].data == {"name": ["CRM", "CRM 2"], "url": ["…", "…"]}
    assert "127.0.0.1" not in json.dumps([e.data for e in entries])  # URLs may hold tokens: never logged
