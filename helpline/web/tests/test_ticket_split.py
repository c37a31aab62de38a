"""Split from here: the form, the split, the redirect, refusals, permission and isolation."""

from __future__ import annotations

import pytest

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department, create_role
from helpline.tenancy.actions.members import change_role
from helpline.tenancy.models import Membership
from helpline.web.tests.conftest import HTMX, signed_in


@pytest.fixture
def messages(ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reply(ticket=ticket, author=agent, text="First answer")
        actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="A second problem")
    return list(Message.objects.filter(ticket=ticket).order_by("id"))


def url(ticket) -> str:
    return f"/agent/tickets/{ticket.public_id}/split/"


def state(ticket) -> tuple:
    return Ticket.objects.count(), Message.objects.filter(ticket=ticket).count(), AuditEntry.objects.count()


def test_the_thread_offers_split_on_every_message_but_the_first(agent_client, ticket, messages):
    body = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    for message in messages[1:]:
        assert f'data-split="{message.public_id}"' in body
    assert f'data-split="{messages[0].public_id}"' not in body
    assert body.count("Split from here") == 2


def test_the_form_lists_agents_and_departments(agent_client, ticket, messages, account, agent):
    billing = create_department(account=account, name="Billing")
    response = agent_client.get(url(ticket), {"message": messages[2].public_id}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'name="message" value="{messages[2].public_id}"' in body
    assert f'<option value="{billing.public_id}"' in body
    assert f'<option value="{agent.public_id}"' in body
    assert "<html" not in body
    assert "<html" in agent_client.get(url(ticket), {"message": messages[2].public_id}).content.decode()


def test_split_redirects_to_the_new_ticket(agent_client, ticket, messages, account, owner):
    billing = create_department(account=account, name="Billing")
    data = {"message": messages[2].public_id, "assignee": owner.public_id, "department": billing.public_id}
    response = agent_client.post(url(ticket), {**data, "subject": "Second problem"})
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{new.public_id}/"
    assert (new.subject, new.assignee, new.department, new.message_count) == ("Second problem", owner, billing, 1)
    assert list(Message.objects.filter(ticket=new)) == [messages[2]]
    assert Ticket.objects.get(pk=ticket.pk).message_count == 2


def test_an_htmx_split_answers_with_hx_redirect(agent_client, ticket, messages):
    response = agent_client.post(url(ticket), {"message": messages[1].public_id}, **HTMX)
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/agent/tickets/{new.public_id}/"
    assert new.subject == ticket.subject
    assert new.message_count == 2


def test_refusals_change_nothing(agent_client, ticket, messages, other_account):
    before = state(ticket)
    response = agent_client.post(url(ticket), {"message": messages[0].public_id}, **HTMX)
    assert response.status_code == 422
    assert "The first message cannot be split off" in response.content.decode()
    response = agent_client.post(
        url(ticket), {"message": messages[1].public_id, "assignee": other_account.owner.public_id}
    )
    assert response.status_code == 422
    assert "Choose an agent of this account." in response.content.decode()
    assert state(ticket) == before


def test_a_message_of_another_ticket_is_not_found(agent_client, ticket, messages, account, make_ticket):
    other = make_ticket(account, subject="Other")
    before = state(ticket)
    foreign = Message.objects.get(ticket=other)
    assert agent_client.post(url(ticket), {"message": foreign.public_id}).status_code == 404
    assert agent_client.post(url(ticket), {"message": ""}).status_code == 404
    assert state(ticket) == before


def test_another_accounts_agent_gets_404(ticket, messages, other_account):
    client = signed_in(other_account.owner, other_account)
    before = state(ticket)
    assert client.get(url(ticket), {"message": messages[1].public_id}).status_code == 404
    assert client.post(url(ticket), {"message": messages[1].public_id}).status_code == 404
    assert state(ticket) == before


def test_a_role_without_ticket_work_cannot_split(agent_client, ticket, messages, account, agent):
    role = create_role(account=account, name="Reporter", permission_keys=["reports.view"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    before = state(ticket)
    assert agent_client.post(url(ticket), {"message": messages[1].public_id}).status_code == 403
    assert state(ticket) == before
