"""tickets.view_all ("see tickets of every department"): a role without it sees only the tickets of its departments
and the tickets assigned to the agent, in the inbox, its counts and search, on the ticket page and its parts, and in
downloads; everything else is "not found" and stays unchanged."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import assign_ticket, store_attachment
from helpline.conversations.models import Message, Ticket
from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
from helpline.tenancy.models import Department, Membership
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(account, other_account, owner, agent, make_ticket, django_capture_on_commit_callbacks):
    """Alice (department-only role) is in Support; tickets in Support, Billing, none, and one assigned to her."""
    with django_capture_on_commit_callbacks(execute=True):
        support = Department.objects.get(account=account, name="Support")
        billing = create_department(account=account, name="Billing")
        set_department_members(department=support, users=[agent])
        role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
        change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
        ours = make_ticket(account, subject="Support printer", department=support)
        billing_ticket = make_ticket(account, subject="Billing printer", department=billing)
        nowhere = make_ticket(account, subject="Nowhere printer")
        assigned = make_ticket(account, subject="Billing printer for Alice", department=billing)
        assign_ticket(ticket=assigned, assignee=agent)
        make_ticket(other_account, subject="Globex printer")
    return {"support": ours, "billing": billing_ticket, "nowhere": nowhere, "assigned": assigned}


def listed(response) -> list[str]:
    return sorted(t.subject for t in response.context["tickets"])


def test_the_inbox_lists_only_the_departments_and_own_tickets(agent_client, world):
    response = agent_client.get("/agent/")
    assert response.status_code == 200
    assert listed(response) == ["Billing printer for Alice", "Support printer"]
    counts = {row["value"]: row["count"] for row in response.context["counts"]}
    assert counts[""] == 2 and counts["new"] == 2


def test_search_finds_only_what_the_agent_may_see(agent_client, world):
    response = agent_client.get("/agent/", {"q": "printer"})
    assert listed(response) == ["Billing printer for Alice", "Support printer"]


def test_an_agent_who_sees_every_department_lists_all(owner_client, world):
    assert listed(owner_client.get("/agent/")) == [
        "Billing printer",
        "Billing printer for Alice",
        "Nowhere printer",
        "Support printer",
    ]


@pytest.mark.parametrize("name", ["billing", "nowhere"])
def test_a_ticket_of_another_department_is_not_found_and_unchanged(agent_client, world, name):
    ticket = world[name]
    base = f"/agent/tickets/{ticket.public_id}/"
    assert agent_client.get(base).status_code == 404
    assert agent_client.get(f"{base}thread/").status_code == 404
    before = Message.objects.filter(ticket=ticket).count()
    assert agent_client.post(f"{base}reply/", {"body": "Sneaky"}).status_code == 404
    assert agent_client.post(f"{base}status/", {"status": "resolved"}).status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, Message.objects.filter(ticket=ticket).count()) == ("new", before)


def test_the_agents_own_and_departments_tickets_open(agent_client, world):
    for name in ("support", "assigned"):
        assert agent_client.get(f"/agent/tickets/{world[name].public_id}/").status_code == 200


def test_files_of_another_departments_ticket_are_not_found(agent_client, world):
    message = Message.objects.filter(ticket=world["billing"]).first()
    attachment = store_attachment(message=message, name="invoice.txt", content=b"secret", content_type="text/plain")
    assert agent_client.get(f"/agent/files/{attachment.public_id}/").status_code == 404
    ours = Message.objects.filter(ticket=world["support"]).first()
    mine = store_attachment(message=ours, name="note.txt", content=b"fine", content_type="text/plain")
    response = agent_client.get(f"/agent/files/{mine.public_id}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"fine")


def test_joining_a_department_shows_its_tickets(agent_client, world, account, agent):
    billing = Department.objects.get(account=account, name="Billing")
    set_department_members(department=billing, users=[agent])
    assert listed(agent_client.get("/agent/")) == ["Billing printer", "Billing printer for Alice", "Support printer"]


def test_another_account_sees_none_of_it(world, make_agent, other_account):
    outsider = make_agent(other_account, "out@globex.test", "Outsider")
    client = signed_in(outsider, other_account)
    assert listed(client.get("/agent/")) == ["Globex printer"]
    assert client.get(f"/agent/tickets/{world['support'].public_id}/").status_code == 404
    assert Ticket.objects.filter(subject="Globex printer").count() == 1


def test_moving_a_ticket_out_of_the_agents_departments_goes_back_to_the_inbox(agent_client, world, account):
    ticket = world["support"]
    billing = Department.objects.get(account=account, name="Billing")
    url = f"/agent/tickets/{ticket.public_id}/transfer/"
    response = agent_client.post(url, {"department": billing.public_id}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, "/agent/")
    ticket.refresh_from_db()
    assert ticket.department_id == billing.pk
    assert agent_client.get(f"/agent/tickets/{ticket.public_id}/").status_code == 404


def test_saved_filter_counts_hold_only_what_the_agent_may_see(agent_client, owner_client, world, account, owner):
    from helpline.filters.actions import save_filter

    save_filter(account=account, owner=owner, name="New ones", values={"status": "new"}, shared=True)
    sidebar = [(r.saved.name, r.count) for r in owner_client.get("/agent/").context["saved_filters"]]
    assert sidebar == [("New ones", 4)]  # counted (and cached) for the owner first
    response = agent_client.get("/agent/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket-list")
    assert [(r.saved.name, r.count, r.capped) for r in response.context["saved_filters"]] == [("New ones", 2, False)]
    assert [(r.saved.name, r.count) for r in owner_client.get("/agent/").context["saved_filters"]] == sidebar


def test_contact_and_company_pages_list_only_visible_tickets(agent_client, owner_client, world, account):
    from helpline.people.actions import create_company, update_contact

    contact = world["support"].contact
    company = create_company(account=account, name="Initech")
    update_contact(contact=contact, company=company)
    mine = ["Billing printer for Alice", "Support printer"]
    for url in (f"/agent/contacts/{contact.public_id}/", f"/agent/contacts/companies/{company.public_id}/"):
        assert listed(agent_client.get(url)) == mine
        partial = agent_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contact-tickets")
        assert listed(partial) == mine
        html = partial.content.decode()
        assert world["billing"].public_id not in html and world["nowhere"].public_id not in html
        assert len(listed(owner_client.get(url))) == 4


@pytest.fixture
def logging_rule(account):
    """An event rule acting on every new ticket (so each of the world's tickets has a line in the rule log)."""
    from helpline.automation.actions import create_rule
    from helpline.core.actors import Actor

    return create_rule(account=account, name="Every ticket", trigger="ticket_created", conditions={},
                       actions=[{"type": "set_priority", "priority": "high"}], actor=Actor())  # fmt: skip


def test_the_event_rule_log_and_test_keep_to_the_agents_tickets(logging_rule, world, account, agent):
    from helpline.automation.models import RuleExecution

    role = create_role(account=account, name="Rules, own tickets", permission_keys=["tickets.work", "settings.manage"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    client = signed_in(agent, account)
    url = f"/agent/settings/event-rules/{logging_rule.public_id}/"
    assert RuleExecution.objects.filter(rule=logging_rule).count() == 4
    logged = client.get("/agent/settings/event-rules/log/")
    assert sorted(x.ticket.subject for x in logged.context["executions"]) == ["Billing printer for Alice",
                                                                              "Support printer"]  # fmt: skip
    assert world["billing"].code not in logged.content.decode()
    assert sorted(x.ticket.subject for x in client.get(url).context["executions"]) == [
        "Billing printer for Alice",
        "Support printer",
    ]
    for name in ("billing", "nowhere"):
        code = world[name].code
        assert client.get("/agent/settings/event-rules/log/", {"ticket": code}).status_code == 404
        hidden = client.get(f"{url}test/", {"ticket": code}, HTTP_HX_REQUEST="true")
        assert hidden.status_code == 422
        assert f"No ticket has the code {code}." in hidden.content.decode()
        assert world[name].subject not in hidden.content.decode()
    shown = client.get(f"{url}test/", {"ticket": world["support"].code}, HTTP_HX_REQUEST="true")
    assert (
        shown.status_code == 200 and f"The conditions hold for ticket {world['support'].code}" in shown.content.decode()
    )
    assert len(signed_in(account.owner, account).get("/agent/settings/event-rules/log/").context["executions"]) == 4


def test_a_ticket_merged_into_another_departments_ticket_is_not_found(agent_client, world, account, make_ticket):
    from helpline.conversations.actions import merge_tickets

    support = Department.objects.get(account=account, name="Support")
    second = make_ticket(account, subject="Support printer again", department=support)
    merge_tickets(target=world["billing"], sources=[world["support"]])
    response = agent_client.get(f"/agent/tickets/{world['support'].public_id}/")
    assert response.status_code == 404
    assert world["billing"].public_id not in response.content.decode()
    merge_tickets(target=world["assigned"], sources=[second])  # into one of hers: the page follows it there
    response = agent_client.get(f"/agent/tickets/{second.public_id}/")
    assert (response.status_code, response["Location"]) == (302, f"/agent/tickets/{world['assigned'].public_id}/")
