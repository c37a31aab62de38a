"""POST /tickets/{id}/split: 201 and the new ticket; bad input 400; no key 401; unknown or foreign ticket 404."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket
from helpline.security.models import ApiKey, AuditEntry
from helpline.tenancy.selectors import list_departments


@pytest.fixture
def messages(ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reply(ticket=ticket, author=agent, text="First answer")
        actions.add_note(ticket=ticket, author=agent, text="Moving the rest")
        actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="A second problem")
    return list(Message.objects.filter(ticket=ticket).order_by("id"))


def state(ticket) -> tuple:
    return Ticket.objects.count(), Message.objects.filter(ticket=ticket).count(), AuditEntry.objects.count()


def test_split_answers_201_with_the_new_ticket(api, ticket, messages, agent, account):
    department = list_departments(account)[0]
    body = {"message": messages[2].public_id, "assignee": agent.public_id, "department": department.public_id,
            "subject": "Second problem"}  # fmt: skip

    response = api.post(f"/tickets/{ticket.public_id}/split", body)

    assert response.status_code == 201, response.content
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    data = response.json()
    assert data["id"] == new.public_id
    assert (data["subject"], data["status"], data["channel"], data["message_count"]) == (
        "Second problem", "open", ticket.channel, 2,
    )  # fmt: skip
    assert data["assignee"]["id"] == agent.public_id
    assert data["department"] == {"id": department.public_id, "name": department.name}
    assert data["contact"]["id"] == ticket.contact.public_id
    assert list(Message.objects.filter(ticket=new).order_by("id")) == messages[2:]
    assert Ticket.objects.get(pk=ticket.pk).message_count == 2
    entries = AuditEntry.objects.filter(action="ticket.split")
    assert sorted(entries.values_list("subject_id", flat=True)) == sorted([ticket.public_id, new.public_id])
    assert {e.actor_api_key_id for e in entries} == {ApiKey.objects.get(account=account).pk}


def test_only_the_message_is_required(api, ticket, messages):
    response = api.post(f"/tickets/{ticket.public_id}/split", {"message": messages[3].public_id})
    assert response.status_code == 201
    data = response.json()
    assert (data["subject"], data["assignee"], data["message_count"]) == (ticket.subject, None, 1)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": ""},
        {"message": "nosuchmessage"},
        {"message": "FIRST"},
        {"message": "SECOND", "assignee": "nosuchagent"},
        {"message": "SECOND", "department": "nosuchdept"},
        {"message": "SECOND", "colour": "red"},
        {"message": "SECOND", "subject": "x" * 256},
    ],
)
def test_bad_input_is_400_and_changes_nothing(api, ticket, messages, body):
    names = {"FIRST": messages[0].public_id, "SECOND": messages[1].public_id}
    body = {k: names.get(v, v) for k, v in body.items()}
    before = state(ticket)
    assert_problem(api.post(f"/tickets/{ticket.public_id}/split", body), 400)
    assert state(ticket) == before


def test_a_message_of_another_ticket_is_400(api, ticket, messages, account, make_ticket):
    other = make_ticket(account, subject="Other")
    before = state(ticket)
    body = assert_problem(
        api.post(f"/tickets/{ticket.public_id}/split", {"message": Message.objects.get(ticket=other).public_id}), 400
    )
    assert body["errors"][0]["field"] == "message"
    assert state(ticket) == before


def test_without_a_key_401(api, ticket, messages):
    before = state(ticket)
    assert_problem(api.post(f"/tickets/{ticket.public_id}/split", {"message": messages[1].public_id}, key=None), 401)
    assert state(ticket) == before


def test_unknown_ticket_404(api, messages):
    assert_problem(api.post("/tickets/nosuchticket/split", {"message": messages[1].public_id}), 404)


def test_another_accounts_ticket_is_404(other_api, ticket, messages):
    before = state(ticket)
    assert_problem(other_api.post(f"/tickets/{ticket.public_id}/split", {"message": messages[1].public_id}), 404)
    assert state(ticket) == before
