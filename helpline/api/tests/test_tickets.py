"""/tickets: list with filters, open, read."""

from __future__ import annotations

import re

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.actions import assign_ticket, change_priority, change_status, set_tags, transfer_ticket
from helpline.conversations.models import Message, Ticket
from helpline.people.models import Contact
from helpline.tenancy.selectors import list_departments

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_ticket_shape(api, ticket, agent):
    department = list_departments(ticket.account)[0]
    transfer_ticket(ticket=ticket, department=department)
    assign_ticket(ticket=ticket, assignee=agent)
    set_tags(ticket=ticket, names=["vip", "billing"])
    ticket.refresh_from_db()

    response = api.get(f"/tickets/{ticket.public_id}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "id": ticket.public_id,
        "code": ticket.code,
        "subject": "Printer on fire",
        "sla_due_at": _iso(ticket.sla_due_at),
        "status": "new",
        "priority": "normal",
        "channel": "web",
        "department": {"id": department.public_id, "name": "Support"},
        "assignee": {"id": agent.public_id, "name": "Alice Agent", "email": "agent@acme.test"},
        "tags": ["billing", "vip"],
        "contact": {"id": ticket.contact.public_id, "name": "Carla Customer", "email": "customer@example.com"},
        "message_count": 1,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "last_activity_at": _iso(ticket.last_activity_at),
        "first_response_at": None,
        "resolved_at": None,
        "merged_into": None,
        "custom_fields": {},
    }


def test_create_ticket(api, account):
    department = list_departments(account)[0]

    response = api.post(
        "/tickets",
        {
            "subject": "  Cannot log in  ",
            "contact": {"email": "Dana@Example.com", "name": "Dana"},
            "message": {"body": "My password stopped working.\n\nPlease help."},
            "department": department.public_id,
            "priority": "urgent",
            "tags": ["login", "Login", "access"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(account=account)
    contact = Contact.objects.get(account=account, primary_email="dana@example.com")
    assert re.fullmatch(r"[A-Z]{3}-\d{3}-\d{5}", body["code"])
    assert ISO.match(body["created_at"])
    assert {k: v for k, v in body.items() if not k.endswith("_at")} == {
        "id": ticket.public_id,
        "code": ticket.code,
        "subject": "Cannot log in",
        "status": "new",
        "priority": "urgent",
        "channel": "api",
        "department": {"id": department.public_id, "name": "Support"},
        "assignee": None,
        "tags": ["access", "login"],
        "contact": {"id": contact.public_id, "name": "Dana", "email": "dana@example.com"},
        "message_count": 1,
        "merged_into": None,
        "custom_fields": {},
    }
    message = Message.objects.get(ticket=ticket)
    assert (message.kind, message.direction, message.author_contact_id) == ("web", "in", contact.pk)
    assert message.body_text == "My password stopped working.\n\nPlease help."
    assert message.body_html == "<p>My password stopped working.</p><p>Please help.</p>"


def test_create_ticket_defaults(api, account):
    response = api.post(
        "/tickets", {"subject": "Hi", "contact": {"email": "x@example.com"}, "message": {"body": "Hello"}}
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["priority"], body["department"], body["tags"], body["status"]) == ("normal", None, [], "new")
    assert body["contact"]["name"] == ""


def test_create_ticket_reuses_the_contact_with_that_email(api, ticket):
    response = api.post(
        "/tickets",
        {"subject": "Again", "contact": {"email": "CUSTOMER@example.com", "name": "Other"}, "message": {"body": "x"}},
    )

    assert response.status_code == 201
    assert response.json()["contact"] == {
        "id": ticket.contact.public_id, "name": "Carla Customer", "email": "customer@example.com"
    }  # fmt: skip
    assert Contact.objects.filter(account=ticket.account).count() == 1


def test_html_in_the_body_is_text_not_markup(api, account):
    response = api.post(
        "/tickets",
        {"subject": "<b>x</b>", "contact": {"email": "x@example.com"}, "message": {"body": "<script>x</script>"}},
    )

    assert response.json()["subject"] == "<b>x</b>"
    message = Message.objects.get(ticket__public_id=response.json()["id"])
    assert message.body_html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_unknown_ticket_is_404(api):
    problem = assert_problem(api.get("/tickets/0000000000000000"), 404, "not_found")

    assert problem["detail"] == "No such ticket."


@pytest.mark.parametrize("bad_id", ["UPPERCASE", "x" * 17, "a-b", "%00"])
def test_malformed_ticket_id_is_404(api, bad_id):
    assert_problem(api.get(f"/tickets/{bad_id}"), 404, "not_found")


def _ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def inbox(account, make_ticket, agent):
    """Four tickets, newest activity last: a (spam), b (resolved, high, tagged), c (assigned, support), d (email)."""
    a = make_ticket(account, subject="Spam offer", email="spam@example.com")
    change_status(ticket=a, status="spam")
    b = make_ticket(account, subject="Refund please", email="b@example.com")
    change_status(ticket=b, status="resolved")
    change_priority(ticket=b, priority=3)
    set_tags(ticket=b, names=["billing"])
    c = make_ticket(account, subject="Broken printer", email="c@example.com")
    assign_ticket(ticket=c, assignee=agent)
    transfer_ticket(ticket=c, department=list_departments(account)[0])
    d = make_ticket(account, subject="By mail", email="d@example.com", channel="email")
    return {name: Ticket.objects.get(pk=t.pk).public_id for name, t in zip("abcd", [a, b, c, d], strict=True)}


def test_list_is_newest_activity_first_without_spam_and_deleted(api, inbox):
    assert _ids(api.get("/tickets")) == [inbox["d"], inbox["c"], inbox["b"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "spam"}, ["a"]),
        ({"status": "resolved"}, ["b"]),
        ({"priority": "high"}, ["b"]),
        ({"tag": "billing"}, ["b"]),
        ({"tag": "no-such-tag"}, []),
        ({"channel": "email"}, ["d"]),
        ({"assignee": "none"}, ["d", "b"]),
        ({"status": "new", "channel": "web"}, ["c"]),
    ],
)
def test_list_filters(api, inbox, params, expected):
    assert _ids(api.get("/tickets", params)) == [inbox[name] for name in expected]


def test_list_filters_by_assignee_and_department(api, inbox, agent, account):
    department = list_departments(account)[0]

    assert _ids(api.get("/tickets", {"assignee": agent.public_id})) == [inbox["c"]]
    assert _ids(api.get("/tickets", {"department": department.public_id})) == [inbox["c"]]


def test_list_search(api, account, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        printer = make_ticket(account, subject="Printer jammed", email="p@example.com")
        make_ticket(account, subject="Invoice missing", email="i@example.com")

    assert _ids(api.get("/tickets", {"q": "jammed"})) == [printer.public_id]
    assert _ids(api.get("/tickets", {"q": "nothing-matches-this"})) == []
