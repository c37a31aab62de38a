"""Bad input is always a 4xx problem document that names what is wrong, and it changes nothing."""

from __future__ import annotations

import json

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.models import Message, Ticket
from helpline.people.models import Contact

VALID = {"subject": "Hi", "contact": {"email": "c@example.com", "name": "C"}, "message": {"body": "Hello"}}


def _with(**changes):
    body = json.loads(json.dumps(VALID))
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (_with(subject=None), "subject", "Must be a string."),
        (_with(subject=5), "subject", "Must be a string."),
        (_with(subject="   "), "subject", "Must not be blank."),
        (_with(subject="x" * 256), "subject", "Use at most 255 characters."),
        (_with(subject="a\x00b"), "subject", "Contains a NUL character, which is not allowed."),
        (_with(contact={"name": "No email"}), "contact.email", "This field is required."),
        (_with(contact={"email": "not an address"}), "contact.email", "Enter a valid email address."),
        (_with(contact="c@example.com"), "contact", "Must be an object."),
        (_with(message={"body": ""}), "message.body", "Must not be blank."),
        (_with(message={"body": "x" * 1_000_001}), "message.body", "Use at most 1000000 characters."),
        (_with(priority="critical"), "priority", "Must be one of: 'low', 'normal', 'high' or 'urgent'."),
        (_with(priority=3), "priority", "Must be one of: 'low', 'normal', 'high' or 'urgent'."),
        (_with(tags="vip"), "tags", "Must be a list."),
        (_with(tags=["ok", ""]), "tags.1", "Must not be blank."),
        (_with(tags=["t"] * 51), "tags", "Give at most 50 items."),
        (_with(status="open"), "status", "Unknown field."),
    ],
)
def test_invalid_ticket_body_is_400_naming_the_field(api, body, field, message):
    response = api.post("/tickets", body)

    problem = assert_problem(response, 400, "validation")
    assert problem["errors"][0] == {
        "field": field,
        "in": "body",
        "message": message,
        "code": problem["errors"][0]["code"],
    }
    assert problem["detail"] == f"{field}: {message}"
    assert Ticket.objects.count() == 0
    assert Contact.objects.count() == 0


def test_several_problems_are_all_listed(api):
    response = api.post("/tickets", {"contact": {}, "message": {}})

    problem = assert_problem(response, 400, "validation")
    assert [e["field"] for e in problem["errors"]] == ["subject", "contact.email", "message.body"]
    assert problem["detail"] == "subject: This field is required. (and 2 more problems)"


@pytest.mark.parametrize("raw", ["{bad", "", "[1, 2]", "null", '"text"', "\x00", '{"subject": "\\ud800"}'])
def test_malformed_json_is_400(api, raw):
    response = api.post("/tickets", raw=raw)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Ticket.objects.count() == 0


def test_unparseable_json_says_so(api):
    problem = assert_problem(api.post("/tickets", raw="{bad"), 400, "malformed")

    assert problem["detail"] == "The request body is not valid JSON."


def test_unknown_department_is_400_and_nothing_is_created(api):
    problem = assert_problem(api.post("/tickets", _with(department="zzzzzzzzzzzzzzzz")), 400, "invalid")

    assert problem["errors"] == [
        {"field": "department", "in": "body", "message": "No department with id zzzzzzzzzzzzzzzz in this account.",
         "code": "invalid"}
    ]  # fmt: skip
    assert Ticket.objects.count() == 0
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "closed"}, "status"),
        ({"priority": "meh"}, "priority"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"department": "nope"}, "department"),
        ({"assignee": "nope"}, "assignee"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"cursor": "MjAyNC0wMS0wMVQwMDowMDowMHwxMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw"}, "cursor"),  # id past bigint
        ({"cursor": "MjAyNC0wMS0wMVQwMDowMDowMHwx"}, "cursor"),  # a time without a zone
        ({"q": "x\x00"}, "q"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_invalid_list_parameters_are_400_naming_the_parameter(api, ticket, params, field):
    problem = assert_problem(api.get("/tickets", params), 400)

    assert problem["errors"][0]["field"] == field
    assert problem["errors"][0]["in"] == "query"


def test_unknown_path_is_a_404_problem(api):
    problem = assert_problem(api.get("/no-such-thing"), 404, "not_found")

    assert problem["detail"] == "There is nothing at this address."


def test_wrong_method_is_a_405_problem(api, ticket):
    response = api.client.delete(f"/api/v1/tickets/{ticket.public_id}", HTTP_AUTHORIZATION=f"Bearer {api.key}")

    problem = assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, PATCH"
    assert problem["detail"] == "Use one of these methods: GET, PATCH."
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_body_over_the_upload_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api.post("/tickets", _with(message={"body": "x" * 2000}))

    assert_problem(response, 413, "too_large")
    assert Ticket.objects.count() == 0


def test_empty_reply_is_400_and_stores_nothing(api, ticket):
    response = api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "reply", "body": " \n "})

    problem = assert_problem(response, 400, "validation")
    assert problem["errors"][0]["field"] == "body"
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_domain_errors_keep_their_status(api, make_account, client):
    from helpline.api.tests.conftest import ApiClient
    from helpline.security.actions import create_api_key

    free = make_account("tiny", plan="free")
    _key, raw = create_api_key(account=free, name="t")

    response = ApiClient(client, raw).post("/departments", {"name": "Sales"})

    problem = assert_problem(response, 402, "plan_limit")
    assert problem["detail"] == "Your Free plan allows 1 departments; you have 1. Upgrade to add more."


def test_unexpected_exception_is_a_500_problem_without_internals(api, monkeypatch):
    from helpline.conversations import selectors

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "list_tickets", explode)

    response = api.get("/tickets")

    problem = assert_problem(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert problem["detail"] == "Something went wrong on our side. It has been logged; please try again later."
