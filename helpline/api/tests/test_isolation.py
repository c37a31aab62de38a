"""One account's key never sees or changes another account's rows: 404 for each of them, absent from lists."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.models import Message, Tag, Ticket
from helpline.people.models import Contact
from helpline.tenancy.selectors import list_departments


@pytest.fixture
def theirs(other_account, make_ticket, make_agent):
    """Account B's rows, with the same names as A's where names can clash."""
    ticket = make_ticket(other_account, subject="Their secret", email="customer@example.com")
    Tag.objects.create(account=other_account, name="their-tag")
    return {
        "ticket": ticket,
        "contact": ticket.contact,
        "department": list_departments(other_account)[0],
        "agent": make_agent(other_account, "bob@globex.test", "Bob"),
    }


def test_their_rows_are_404(api, theirs):
    t, c = theirs["ticket"].public_id, theirs["contact"].public_id
    for path in [f"/tickets/{t}", f"/tickets/{t}/messages", f"/contacts/{c}",
                 f"/departments/{theirs['department'].public_id}", f"/agents/{theirs['agent'].public_id}"]:  # fmt: skip
        assert_problem(api.get(path), 404, "not_found")


def test_their_rows_cannot_be_changed(api, theirs):
    ticket, contact = theirs["ticket"], theirs["contact"]

    assert_problem(api.patch(f"/tickets/{ticket.public_id}", {"status": "spam"}), 404)
    assert_problem(api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "reply", "body": "hi"}), 404)
    assert_problem(api.patch(f"/contacts/{contact.public_id}", {"name": "Pwned"}), 404)

    ticket.refresh_from_db()
    contact.refresh_from_db()
    assert (ticket.status, Message.objects.filter(ticket=ticket).count(), contact.name) == ("new", 1, "Carla Customer")


def test_their_references_are_rejected_in_writes(api, ticket, theirs):
    response = api.patch(
        f"/tickets/{ticket.public_id}",
        {"assignee": theirs["agent"].public_id},
    )
    assert_problem(response, 400)
    response = api.post(
        "/tickets",
        {"subject": "x", "contact": {"email": "n@example.com"}, "message": {"body": "x"},
         "department": theirs["department"].public_id},
    )  # fmt: skip
    assert_problem(response, 400)
    assert Ticket.objects.filter(account=ticket.account).count() == 1


def test_lists_hold_only_our_rows(api, account, ticket, agent, theirs):
    ours = {
        "/tickets": {ticket.public_id},
        "/contacts": {ticket.contact.public_id},
        "/departments": {d.public_id for d in list_departments(account)},
        "/agents": {agent.public_id, account.owner.public_id},
        "/tags": set(),
    }
    for path, expected in ours.items():
        items = api.get(path).json()["items"]
        assert {item["id"] for item in items} == expected, path
    assert api.get("/tickets", {"status": "new", "q": "secret"}).json()["items"] == []


def test_their_filters_find_nothing_of_ours_or_theirs(api, ticket, theirs):
    assert_problem(api.get("/tickets", {"department": theirs["department"].public_id}), 400)
    assert_problem(api.get("/tickets", {"assignee": theirs["agent"].public_id}), 400)
    assert api.get("/tickets", {"tag": "their-tag"}).json() == {"items": [], "next_cursor": None}


def test_same_email_in_two_accounts_is_two_contacts(api, account, theirs):
    response = api.post("/contacts", {"email": "customer@example.com"})

    assert response.status_code == 201
    assert response.json()["id"] != theirs["contact"].public_id
    assert Contact.objects.filter(primary_email="customer@example.com").count() == 2


def test_their_key_sees_their_ticket_only(other_api, ticket, theirs):
    assert [t["id"] for t in other_api.get("/tickets").json()["items"]] == [theirs["ticket"].public_id]
    assert_problem(other_api.get(f"/tickets/{ticket.public_id}"), 404)
