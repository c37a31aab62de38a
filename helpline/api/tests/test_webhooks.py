"""/api/v1/webhooks: provision webhooks as code; the secret shows once; another account sees nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.security.models import AuditEntry
from helpline.testing.recording_server import recording_server
from helpline.webhooks import actions
from helpline.webhooks.models import Webhook, WebhookDelivery

BODY = {"name": "CRM", "url": "https://crm.example.com/hooks/helpline", "event_types": ["ticket.created"]}


def _delete(api, path, key=...):
    key = api.key if key is ... else key
    return api.client.delete(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_create_returns_the_secret_once_and_get_never_does(api, account):
    response = api.post("/webhooks", BODY)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert {k: created[k] for k in ("name", "kind", "url", "event_types", "departments", "enabled")} == {
        "name": "CRM",
        "kind": "json",
        "url": "https://crm.example.com/hooks/helpline",
        "event_types": ["ticket.created"],
        "departments": [],
        "enabled": True,
    }
    webhook = Webhook.objects.get(account=account)
    assert created["id"] == webhook.public_id and webhook.secret == created["secret"]
    fetched = api.get(f"/webhooks/{webhook.public_id}").json()
    assert "secret" not in fetched and fetched["name"] == "CRM"
    assert "secret" not in api.get("/webhooks").json()["items"][0]
    entry = AuditEntry.objects.get(account=account, action="webhook.created")
    assert entry.actor_api_key is not None and entry.subject_id == webhook.public_id


def test_a_slack_url_is_shown_only_by_its_start(api):
    body = {**BODY, "kind": "slack", "url": "https://hooks.slack.com/services/T1/B2/SECRET"}
    created = api.post("/webhooks", body).json()
    assert created["url"] == "https://hooks.slack.com/services/…"
    assert created["secret"] is None


def test_update_rotate_and_delete(api, account):
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    created = api.post("/webhooks", BODY).json()
    path = f"/webhooks/{created['id']}"
    response = api.patch(path, {"enabled": False, "departments": [sales.public_id], "event_types": ["ticket.assigned"]})
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("enabled", "departments", "event_types", "name")} == {
        "enabled": False,
        "departments": [sales.public_id],
        "event_types": ["ticket.assigned"],
        "name": "CRM",
    }
    rotated = api.post(f"{path}/rotate-secret").json()["secret"]
    assert rotated != created["secret"] and Webhook.objects.get().secret == rotated
    assert _delete(api, path).status_code == 204
    assert not Webhook.objects.exists()
    assert list(
        AuditEntry.objects.filter(account=account, subject_type="webhook")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.deleted"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "url": "ftp://x.example.com/"}, "url"),
        ({**BODY, "url": "http://user:pw@x.example.com/"}, "url"),
        ({**BODY, "event_types": ["ticket.exploded"]}, "event_types"),
        ({**BODY, "event_types": []}, "event_types"),
        ({**BODY, "departments": ["nope"]}, "departments"),
        ({**BODY, "kind": "irc"}, "kind"),
        ({**BODY, "name": " "}, "name"),
        ({**BODY, "secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_a_400_problem_and_creates_nothing(api, account, body, field):
    body = assert_problem(api.post("/webhooks", body), 400)
    assert body["errors"][0]["field"] == field
    assert not Webhook.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()


def test_a_bad_patch_changes_nothing(api):
    created = api.post("/webhooks", BODY).json()
    body = assert_problem(api.patch(f"/webhooks/{created['id']}", {"url": "gopher://x/", "name": "New"}), 400)
    assert body["errors"][0]["field"] == "url"
    webhook = Webhook.objects.get()
    assert (webhook.name, webhook.url) == ("CRM", BODY["url"])


def test_another_account_gets_404_and_nothing_changes(api, other_api, account, other_account):
    created = api.post("/webhooks", BODY).json()
    path = f"/webhooks/{created['id']}"
    for response in (
        other_api.get(path),
        other_api.patch(path, {"name": "Stolen"}),
        other_api.post(f"{path}/rotate-secret"),
        other_api.post(f"{path}/test"),
        other_api.get(f"{path}/deliveries"),
        _delete(other_api, path),
    ):
        assert_problem(response, 404)
    assert other_api.get("/webhooks").json() == {"items": []}
    webhook = Webhook.objects.get()
    assert (webhook.name, webhook.secret, webhook.account_id) == ("CRM", created["secret"], account.pk)
    assert not WebhookDelivery.objects.exists()
    assert not AuditEntry.objects.filter(account=other_account, action__startswith="webhook.").exists()


def test_test_event_and_the_delivery_log(api, account, django_capture_on_commit_callbacks):
    with recording_server() as server:
        actions.set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
        server.answer(500)
        created = api.post("/webhooks", {**BODY, "url": server.url + "/hook"}).json()
        path = f"/webhooks/{created['id']}"
        first = api.post(f"{path}/test").json()
        second = api.post(f"{path}/test").json()
        assert len(server.requests) == 2
    assert (first["status"], first["status_code"], first["event_type"], first["attempt"]) == (
        "failed",
        500,
        "webhook.test",
        1,
    )
    assert (second["status"], second["status_code"]) == ("succeeded", 200)
    assert WebhookDelivery.objects.count() == 2  # a test event is never retried
    page = api.get(f"{path}/deliveries", {"limit": 1}).json()
    assert [d["id"] for d in page["items"]] == [second["id"]]
    rest = api.get(f"{path}/deliveries", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [d["id"] for d in rest["items"]] == [first["id"]] and rest["next_cursor"] is None
    assert rest["items"][0]["payload"]["data"] == {"webhook": {"id": created["id"], "name": "CRM"}}
    assert_problem(api.get(f"{path}/deliveries", {"cursor": "!!"}), 400)


def test_the_test_event_to_a_private_address_is_refused_without_a_request(api):
    created = api.post("/webhooks", {**BODY, "url": "http://127.0.0.1:9/hook"}).json()
    result = api.post(f"/webhooks/{created['id']}/test").json()
    assert (result["status"], result["status_code"]) == ("refused", None)
    assert "127.0.0.1 is not a public address" in result["error"]


def test_lists_use_a_fixed_number_of_queries(api, account):
    for n in range(3):
        api.post("/webhooks", {**BODY, "name": f"Hook {n}", "url": "http://127.0.0.1:9/"})
    webhook = Webhook.objects.first()
    for _ in range(3):
        actions.send_test_event(webhook=webhook)  # refused at once (loopback is not allowed), and logged
    with CaptureQueriesContext(connection) as few:
        api.get("/webhooks")
    for n in range(3, 8):
        api.post("/webhooks", {**BODY, "name": f"Hook {n}"})
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/webhooks").json()["items"]) == 8
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as deliveries:
        assert len(api.get(f"/webhooks/{webhook.public_id}/deliveries").json()["items"]) == 3
    assert len(deliveries) <= len(few) + 1
