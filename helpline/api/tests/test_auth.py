"""Bearer API keys: every operation needs a live key of the account it reads or writes."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.models import Ticket
from helpline.security.models import ApiKey

NEW_TICKET = {"subject": "Hi", "contact": {"email": "c@example.com"}, "message": {"body": "Hello"}}


def test_valid_key_is_accepted_and_marks_the_key_used(api, account, api_key):
    response = api.get("/tickets")

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}
    assert ApiKey.objects.get(account=account).last_used_at is not None


def test_missing_key_is_401_with_a_challenge(api):
    response = api.get("/tickets", key=None)

    body = assert_problem(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == 'Bearer realm="helpline"'
    assert body["detail"] == "Send an API key in the Authorization header: 'Authorization: Bearer <key>'."


@pytest.mark.parametrize(
    "key",
    [
        "hl_0123456789_notTheRightSecretAtAllxxxxxxxxxxxxxxxxxxxxxxx",
        "not-a-key",
        "hl_\x00_x",
        "hl_" + "a" * 5000,
    ],
)
def test_invalid_key_is_401(api, key):
    body = assert_problem(api.get("/tickets", key=key), 401, "unauthorized")
    assert body["detail"] == "The API key is not valid or has been revoked."


def test_right_secret_with_wrong_scheme_is_401(client, api_key):
    response = client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Basic {api_key}")

    assert_problem(response, 401, "unauthorized")


def test_revoked_key_is_401(api, account):
    from helpline.security.actions import revoke_api_key

    revoke_api_key(key=ApiKey.objects.get(account=account))

    assert_problem(api.get("/tickets"), 401, "unauthorized")


def test_write_without_key_changes_nothing(api):
    response = api.post("/tickets", NEW_TICKET, key=None)

    assert_problem(response, 401)
    assert Ticket.objects.count() == 0


def test_every_operation_requires_a_key(client, ticket):
    paths = [
        ("get", "/api/v1/tickets"), ("post", "/api/v1/tickets"), ("get", f"/api/v1/tickets/{ticket.public_id}"),
        ("patch", f"/api/v1/tickets/{ticket.public_id}"), ("get", f"/api/v1/tickets/{ticket.public_id}/messages"),
        ("post", f"/api/v1/tickets/{ticket.public_id}/messages"), ("get", "/api/v1/contacts"),
        ("post", "/api/v1/contacts"), ("get", f"/api/v1/contacts/{ticket.contact.public_id}"),
        ("patch", f"/api/v1/contacts/{ticket.contact.public_id}"), ("get", "/api/v1/departments"),
        ("post", "/api/v1/departments"), ("get", "/api/v1/departments/x"), ("get", "/api/v1/agents"),
        ("get", "/api/v1/agents/x"), ("get", "/api/v1/tags"), ("post", "/api/v1/tags"),
    ]  # fmt: skip
    for method, path in paths:
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code == 401, (method, path)
        assert response["Content-Type"] == "application/problem+json"


def test_writes_are_audited_as_the_api_key(api, account):
    from helpline.security.models import AuditEntry

    response = api.post("/tickets", NEW_TICKET)

    assert response.status_code == 201
    key = ApiKey.objects.get(account=account)
    entries = AuditEntry.objects.filter(account=account, subject_id=response.json()["id"])
    assert sorted(entries.values_list("action", flat=True)) == ["message.received", "ticket.created"]
    assert {(e.actor_api_key_id, e.actor_user_id) for e in entries} == {(key.pk, None)}


def test_bearer_requests_need_no_csrf_token(api_key, account):
    """The key is not an ambient credential like a session cookie, so CSRF does not apply."""
    from django.test import Client

    from helpline.api.tests.conftest import ApiClient

    response = ApiClient(Client(enforce_csrf_checks=True), api_key).post("/tickets", NEW_TICKET)

    assert response.status_code == 201


def test_a_logged_in_session_is_not_an_api_credential(client, owner, ticket):
    client.force_login(owner)

    response = client.get("/api/v1/tickets")

    assert_problem(response, 401, "unauthorized")
