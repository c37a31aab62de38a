"""PATCH /tickets/{id}: only the fields present change, all of them or none."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.actions import assign_ticket, set_tags, transfer_ticket
from helpline.conversations.models import Tag, Ticket
from helpline.security.models import AuditEntry
from helpline.tenancy.selectors import list_departments


def _state(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (ticket.status, ticket.priority, ticket.assignee_id, ticket.department_id,
            sorted(ticket.tags.values_list("name", flat=True)))  # fmt: skip


def test_patch_every_field(api, ticket, agent, account):
    department = list_departments(account)[0]

    response = api.patch(
        f"/tickets/{ticket.public_id}",
        {"status": "postponed", "priority": "low", "assignee": agent.public_id, "department": department.public_id,
         "tags": ["b", "a"]},
    )  # fmt: skip

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["priority"], body["tags"]) == ("postponed", "low", ["a", "b"])
    assert body["assignee"] == {"id": agent.public_id, "name": "Alice Agent", "email": "agent@acme.test"}
    assert body["department"] == {"id": department.public_id, "name": "Support"}
    assert _state(ticket) == ("postponed", 1, agent.pk, department.pk, ["a", "b"])
    actions = set(AuditEntry.objects.filter(subject_id=ticket.public_id).values_list("action", flat=True))
    assert actions == {"ticket.created", "message.received", "ticket.status_changed", "ticket.priority_changed",
                       "ticket.assigned", "ticket.transferred", "ticket.tagged"}  # fmt: skip


def test_patch_leaves_absent_fields_alone(api, ticket, agent):
    assign_ticket(ticket=ticket, assignee=agent)
    set_tags(ticket=ticket, names=["keep"])

    response = api.patch(f"/tickets/{ticket.public_id}", {"priority": "high"})

    assert response.status_code == 200
    assert _state(ticket) == ("new", 3, agent.pk, None, ["keep"])


def test_null_clears_assignee_and_department(api, ticket, agent, account):
    transfer_ticket(ticket=ticket, department=list_departments(account)[0], assignee=agent)

    response = api.patch(f"/tickets/{ticket.public_id}", {"assignee": None, "department": None})

    assert (response.json()["assignee"], response.json()["department"]) == (None, None)
    assert _state(ticket) == ("new", 2, None, None, [])


def test_tags_are_replaced_by_the_full_list(api, ticket):
    set_tags(ticket=ticket, names=["old", "stays"])

    response = api.patch(f"/tickets/{ticket.public_id}", {"tags": ["stays", "new"]})

    assert response.json()["tags"] == ["new", "stays"]
    assert api.patch(f"/tickets/{ticket.public_id}", {"tags": []}).json()["tags"] == []
    assert Tag.objects.filter(account=ticket.account).count() == 3  # tags themselves outlive their use


def test_empty_patch_returns_the_ticket_unchanged(api, ticket):
    before = _state(ticket)

    response = api.patch(f"/tickets/{ticket.public_id}", {})

    assert response.status_code == 200
    assert response.json()["id"] == ticket.public_id
    assert _state(ticket) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "chatting"}, "status"),  # follows live sessions; cannot be set by hand
        ({"status": None}, "status"),
        ({"priority": None}, "priority"),
        ({"priority": "p1"}, "priority"),
        ({"tags": None}, "tags"),
        ({"tags": "a,b"}, "tags"),
        ({"assignee": 42}, "assignee"),
        ({"subject": "renamed"}, "subject"),
    ],
)
def test_invalid_patch_is_400(api, ticket, body, field):
    before = _state(ticket)

    problem = assert_problem(api.patch(f"/tickets/{ticket.public_id}", body), 400, "validation")

    assert problem["errors"][0]["field"] == field
    assert _state(ticket) == before


def test_unknown_assignee_changes_nothing_at_all(api, ticket, other_account):
    """The status in the same request is not applied either: the request is all or nothing."""
    stranger = other_account.owner
    before = _state(ticket)

    response = api.patch(f"/tickets/{ticket.public_id}", {"status": "resolved", "assignee": stranger.public_id})

    problem = assert_problem(response, 400, "invalid")
    assert problem["errors"] == [
        {"field": "assignee", "in": "body", "code": "invalid",
         "message": f"No agent with id {stranger.public_id} in this account."}
    ]  # fmt: skip
    assert _state(ticket) == before


def test_unknown_department_is_400(api, ticket, other_account):
    foreign = list_departments(other_account)[0]

    problem = assert_problem(api.patch(f"/tickets/{ticket.public_id}", {"department": foreign.public_id}), 400)

    assert problem["errors"][0]["field"] == "department"
    assert _state(ticket)[3] is None


def test_patch_unknown_ticket_is_404(api):
    assert_problem(api.patch("/tickets/0000000000000000", {"status": "open"}), 404, "not_found")
