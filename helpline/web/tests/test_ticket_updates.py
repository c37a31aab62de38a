"""Assign, transfer, status, priority and tags from the side panel: exact DB state, audit rows, and
refusals that change nothing."""

from __future__ import annotations

import json

import pytest

from helpline.conversations.models import Ticket
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department
from helpline.tenancy.models import Department
from helpline.web.tests.conftest import HTMX
from helpline.web.tests.test_ticket_view import audit_rows


def post(client, ticket, action, data, **headers):
    return client.post(f"/agent/tickets/{ticket.public_id}/{action}/", data, **headers)


def snapshot(ticket) -> tuple:
    fresh = Ticket.objects.get(pk=ticket.pk)
    tags = sorted(fresh.tags.values_list("name", flat=True))
    return fresh.status, fresh.priority, fresh.assignee_id, fresh.department_id, tags, AuditEntry.objects.count()


def test_assign_to_an_agent_and_back_to_nobody(agent_client, ticket, agent, owner):
    response = post(agent_client, ticket, "assign", {"assignee": owner.public_id})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == owner.pk
    assert audit_rows(ticket)[-1] == ("ticket.assigned", agent.pk, {"from": None, "to": owner.pk})
    post(agent_client, ticket, "assign", {"assignee": ""})
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    assert audit_rows(ticket)[-1] == ("ticket.assigned", agent.pk, {"from": owner.pk, "to": None})


def test_an_htmx_change_answers_with_the_refreshed_panel(agent_client, ticket, agent):
    response = post(agent_client, ticket, "assign", {"assignee": agent.public_id}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<aside id="side-panel"')
    assert f'<option value="{agent.public_id}" selected data-me>Alice Agent (me)</option>' in body
    assert json.loads(response["HX-Trigger"]) == {"helpline:toast": {"message": "Assignee saved.", "kind": "success"}}


def test_transfer_to_another_department_and_to_none(agent_client, ticket, account, agent):
    billing = create_department(account=account, name="Billing")
    support = Department.objects.get(account=account, name="Support")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.department_id is None
    post(agent_client, ticket, "transfer", {"department": billing.public_id})
    assert Ticket.objects.get(pk=ticket.pk).department_id == billing.pk
    assert audit_rows(ticket)[-1] == ("ticket.transferred", agent.pk, {"from": None, "to": billing.pk})
    post(agent_client, ticket, "transfer", {"department": support.public_id})
    post(agent_client, ticket, "transfer", {"department": ""})
    assert Ticket.objects.get(pk=ticket.pk).department_id is None
    assert audit_rows(ticket)[-1] == ("ticket.transferred", agent.pk, {"from": support.pk, "to": None})


def test_status_change(agent_client, ticket, agent):
    response = post(agent_client, ticket, "status", {"status": "resolved"})
    assert response.status_code == 302
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == "resolved"
    assert fresh.resolved_at is not None
    assert audit_rows(ticket)[-1] == ("ticket.status_changed", agent.pk, {"from": "new", "to": "resolved"})


def test_priority_change(agent_client, ticket, agent):
    post(agent_client, ticket, "priority", {"priority": "urgent"})
    assert Ticket.objects.get(pk=ticket.pk).priority == 4
    assert audit_rows(ticket)[-1] == ("ticket.priority_changed", agent.pk, {"from": 2, "to": 4})


def test_tags_are_set_from_a_comma_separated_list(agent_client, ticket, agent):
    post(agent_client, ticket, "tags", {"tags": "vip, billing ,, VIP"})
    assert sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["billing", "vip"]
    assert audit_rows(ticket)[-1] == ("ticket.tagged", agent.pk, {"tags": ["vip", "billing"]})
    post(agent_client, ticket, "tags", {"tags": "billing, refund"})
    assert sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["billing", "refund"]
    assert audit_rows(ticket)[-2:] == [
        ("ticket.untagged", agent.pk, {"tags": ["vip"]}),
        ("ticket.tagged", agent.pk, {"tags": ["refund"]}),
    ]
    post(agent_client, ticket, "tags", {"tags": ""})
    assert list(Ticket.objects.get(pk=ticket.pk).tags.all()) == []


@pytest.fixture
def foreign(other_account):
    """An agent and a department of another account: never valid choices here."""
    return {"agent": other_account.owner, "department": Department.objects.get(account=other_account)}


BAD_INPUT = [
    ("assign", {"assignee": "nosuchagent"}, "assignee", "Choose an agent of this account."),
    ("assign", {"assignee": "FOREIGN_AGENT"}, "assignee", "Choose an agent of this account."),
    ("transfer", {"department": "nosuchdepartment"}, "department", "Choose a department of this account."),
    ("transfer", {"department": "FOREIGN_DEPARTMENT"}, "department", "Choose a department of this account."),
    ("status", {"status": "bogus"}, "status", "Unknown status bogus."),
    ("status", {"status": "chatting"}, "status", "Unknown status chatting."),
    ("status", {}, "status", "Unknown status ."),
    ("priority", {"priority": "extreme"}, "priority", "Choose one of the listed priorities."),
    ("priority", {"priority": "3"}, "priority", "Choose one of the listed priorities."),
    ("tags", {"tags": ",".join(f"t{i}" for i in range(21))}, "tags", "A ticket can carry at most 20 tags."),
    ("tags", {"tags": "x" * 65}, "tags", "A tag is at most 64 characters long."),
]


@pytest.mark.parametrize(("action", "data", "field", "message"), BAD_INPUT)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_bad_input_is_refused_with_the_reason_and_changes_nothing(
    agent_client, ticket, foreign, action, data, field, message, headers
):
    data = {
        key: value.replace("FOREIGN_AGENT", foreign["agent"].public_id).replace(
            "FOREIGN_DEPARTMENT", foreign["department"].public_id
        )
        for key, value in data.items()
    }
    before = snapshot(ticket)
    response = post(agent_client, ticket, action, data, **headers)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'<p class="field-error" role="alert">{message}</p>' in body
    assert response.context["errors"] == {field: message}
    assert snapshot(ticket) == before


def test_refused_tags_stay_in_the_input_for_correction(agent_client, ticket):
    response = post(agent_client, ticket, "tags", {"tags": "x" * 65}, **HTMX)
    assert f'value="{"x" * 65}"' in response.content.decode()
