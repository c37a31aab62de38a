"""/api/v1/notifications: the key's agent's notifications only; a key without an agent gets a clear 403."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import ApiClient
from helpline.core.actors import Actor
from helpline.notifications.models import Notification
from helpline.security.actions import create_api_key


@pytest.fixture
def alice_api(client, account, team):
    _key, raw = create_api_key(account=account, name="Alice's script", actor=Actor(user=team["alice"]))
    return ApiClient(client, raw)


def test_a_key_without_an_agent_is_refused_clearly(client, api_key, team):
    api = ApiClient(client, api_key)
    for response in (api.get("/notifications"), api.post("/notifications/read-all", {})):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == (
            "Notifications belong to an agent, and this API key belongs to none. "
            "Use a key an agent created in Settings → API keys."
        )


def test_listing_and_marking_read(alice_api, team, notify_about):
    first, second = notify_about(team["alice"], 2)
    notify_about(team["bob"])  # Bob's, never in Alice's list

    body = alice_api.get("/notifications").json()
    assert [(item["text"], item["ticket"]["id"], item["read_at"]) for item in body["items"]] == [
        (f"{second.code} was assigned to you: Printer on fire 2", second.public_id, None),
        (f"{first.code} was assigned to you: Printer on fire 1", first.public_id, None),
    ]
    assert (body["next_cursor"], body["unread"]) == (None, 2)
    assert body["items"][0]["kind"] == "assigned" and body["items"][0]["actor"] is None

    newest = body["items"][0]["id"]
    marked = alice_api.post(f"/notifications/{newest}/read", {})
    assert marked.status_code == 200
    assert marked.json()["read_at"] is not None
    assert alice_api.get("/notifications", {"unread": "true"}).json()["unread"] == 1
    assert [i["id"] for i in alice_api.get("/notifications", {"unread": "true"}).json()["items"]] == [
        body["items"][1]["id"]
    ]

    assert alice_api.post("/notifications/read-all", {}).json() == {"marked": 1, "unread": 0}
    assert Notification.objects.filter(recipient=team["bob"], read_at=None).count() == 1


def test_paging_and_a_bad_cursor(alice_api, team, notify_about):
    notify_about(team["alice"], 3)

    page = alice_api.get("/notifications", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"] == page["items"][1]["id"]
    rest = alice_api.get("/notifications", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert (len(rest["items"]), rest["next_cursor"]) == (1, None)

    bad = alice_api.get("/notifications", {"cursor": "nope"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "cursor"
    assert alice_api.get("/notifications", {"limit": 0}).status_code == 400


def test_another_agents_or_accounts_notifications_are_not_found(
    alice_api, team, other_account, make_agent, notify_about, other_api_key, client
):
    notify_about(team["bob"])
    gus = make_agent(other_account, "gus@globex.test", "Gus")
    notify_about(gus, in_account=other_account, subject="Globex secret")

    for row in Notification.objects.all():
        response = alice_api.post(f"/notifications/{row.public_id}/read", {})
        assert response.status_code == 404
        assert alice_api.get("/notifications", {"cursor": row.public_id}).status_code == 400
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert alice_api.get("/notifications").json()["items"] == []
    # Globex's key (no agent) reads nothing either.
    assert ApiClient(client, other_api_key).get("/notifications").status_code == 403


def test_the_list_costs_the_same_queries_for_any_page(alice_api, team, notify_about):
    def count():
        alice_api.get("/notifications")  # the key's last use is written at most once a minute: warm it
        with CaptureQueriesContext(connection) as queries:
            response = alice_api.get("/notifications", {"limit": 100})
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    notify_about(team["alice"], 2)
    small = count()
    notify_about(team["alice"], 20)
    # the key (and account), the membership, the page (ticket, contact, actor, department joined), the unread count
    assert (small, count()) == ((2, 4), (22, 4))
