"""API keys and tickets.view_all: a key acts for the team, but one created by an agent whose role sees only their
departments' tickets sees no more than that agent (list, search, one ticket, its messages, changes)."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import ApiClient
from helpline.conversations.actions import assign_ticket
from helpline.conversations.models import Message
from helpline.core.actors import Actor
from helpline.security.actions import create_api_key
from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
from helpline.tenancy.models import Department, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(account, other_account, agent, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        support = Department.objects.get(account=account, name="Support")
        billing = create_department(account=account, name="Billing")
        set_department_members(department=support, users=[agent])
        ours = make_ticket(account, subject="Support printer", department=support)
        theirs = make_ticket(account, subject="Billing printer", department=billing)
        assigned = make_ticket(account, subject="Billing printer for Alice", department=billing)
        assign_ticket(ticket=assigned, assignee=agent)
        make_ticket(other_account, subject="Globex printer")
    return {"support": ours, "billing": theirs, "assigned": assigned}


def key_of(account, user) -> str:
    _key, raw = create_api_key(account=account, name="Alice's integration", actor=Actor(user=user))
    return raw


@pytest.fixture
def restricted_api(client, account, agent):
    role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    return ApiClient(client, key_of(account, agent))


def subjects(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["subject"] for item in response.json()["items"])


def test_a_restricted_key_lists_only_its_agents_tickets(restricted_api, world):
    visible = ["Billing printer for Alice", "Support printer"]
    assert subjects(restricted_api.get("/tickets")) == visible
    assert subjects(restricted_api.get("/tickets", {"q": "printer"})) == visible


def test_a_key_of_an_agent_who_sees_everything_lists_everything(client, world, account, agent):
    api = ApiClient(client, key_of(account, agent))  # the default Agent role has tickets.view_all
    assert subjects(api.get("/tickets")) == ["Billing printer", "Billing printer for Alice", "Support printer"]


def test_a_key_without_a_creator_acts_for_the_whole_team(api, world):
    assert subjects(api.get("/tickets")) == ["Billing printer", "Billing printer for Alice", "Support printer"]


def test_another_departments_ticket_is_not_found_and_unchanged(restricted_api, world):
    ticket = world["billing"]
    messages_before = Message.objects.filter(ticket=ticket).count()
    for response in (
        restricted_api.get(f"/tickets/{ticket.public_id}"),
        restricted_api.get(f"/tickets/{ticket.public_id}/messages"),
        restricted_api.patch(f"/tickets/{ticket.public_id}", {"status": "resolved"}),
        restricted_api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "note", "body": "Sneaky"}),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "No such ticket."
    ticket.refresh_from_db()
    assert (ticket.status, Message.objects.filter(ticket=ticket).count()) == ("new", messages_before)


def test_the_agents_own_tickets_work(restricted_api, world):
    for name in ("support", "assigned"):
        response = restricted_api.get(f"/tickets/{world[name].public_id}")
        assert (response.status_code, response.json()["subject"]) == (200, world[name].subject)


def test_another_accounts_key_sees_none_of_it(client, world, other_api_key):
    api = ApiClient(client, other_api_key)
    assert subjects(api.get("/tickets")) == ["Globex printer"]
    assert api.get(f"/tickets/{world['support'].public_id}").status_code == 404


def test_the_event_rule_log_and_test_keep_to_the_keys_tickets(
    restricted_api, api, world, django_capture_on_commit_callbacks
):
    from helpline.conversations.actions import change_priority

    rule = {"name": "Seen", "trigger": "priority_changed", "conditions": {},
            "actions": [{"type": "add_tags", "tags": ["seen"]}]}  # fmt: skip
    rule_id = api.post("/event-rules", rule).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        for ticket in world.values():
            change_priority(ticket=ticket, priority=3)

    def logged(client, **params) -> list[str]:
        response = client.get("/event-rule-executions", params)
        assert response.status_code == 200, response.content
        return sorted(item["ticket"] for item in response.json()["items"])

    assert logged(api) == sorted(t.public_id for t in world.values())
    assert logged(restricted_api) == sorted([world["support"].public_id, world["assigned"].public_id])
    assert logged(restricted_api, rule=rule_id) == logged(restricted_api)
    hidden = world["billing"]
    for response in (
        restricted_api.get("/event-rule-executions", {"ticket": hidden.public_id}),
        restricted_api.post(f"/event-rules/{rule_id}/test", {"ticket": hidden.public_id}),
        restricted_api.post(f"/event-rules/{rule_id}/test", {"ticket": hidden.code}),
    ):
        assert (response.status_code, response.json()["detail"]) == (404, "No such ticket.")
    shown = restricted_api.post(f"/event-rules/{rule_id}/test", {"ticket": world["support"].code})
    assert (shown.status_code, shown.json()["matched"]) == (200, True)
