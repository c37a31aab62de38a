"""The To solve button: the bounded count in the header, opening the most urgent ticket, the ticket page's claim,
the answer-only-through-To-solve option in the composer, and isolation between accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from helpline.conversations.models import Message, Ticket
from helpline.tenancy.actions import set_answer_only_to_solve, set_department_members
from helpline.tenancy.models import Department, Membership
from helpline.tosolve import claims
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(account, agent):
    department = Department.objects.get(account=account, name="Support")
    set_department_members(department=department, users=[agent])
    return department


def waiting(make_ticket, account, support, subject, hours):
    ticket = make_ticket(account, subject=subject, department=support)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=ticket.created_at + timedelta(hours=hours))
    return ticket


def test_the_header_shows_the_count(agent_client, make_ticket, account, support):
    waiting(make_ticket, account, support, "One", 1)
    waiting(make_ticket, account, support, "Two", 2)
    response = agent_client.get("/agent/to-solve/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-to-solve="2"' in html
    assert '<span class="badge" data-to-solve-count>2</span>' in html
    page = agent_client.get("/agent/").content.decode()
    assert 'hx-get="/agent/to-solve/"' in page


def test_the_count_costs_a_bounded_number_of_queries(
    agent_client, make_ticket, account, support, django_assert_max_num_queries
):
    for n in range(5):
        waiting(make_ticket, account, support, f"T{n}", n)
    with django_assert_max_num_queries(6):  # session, user, membership, the bounded count
        agent_client.get("/agent/to-solve/")


def test_to_solve_opens_the_most_urgent_ticket_and_claims_it(agent_client, agent, make_ticket, account, support):
    waiting(make_ticket, account, support, "Later", 5)
    urgent = waiting(make_ticket, account, support, "Urgent", 1)
    response = agent_client.post("/agent/to-solve/next/")
    assert (response.status_code, response["Location"]) == (302, f"/agent/tickets/{urgent.public_id}/")
    assert claims.holder(urgent.pk) == agent.pk
    assert claims.handed_out(account_id=account.pk, user_id=agent.pk) == urgent.pk


def test_a_ticket_another_agent_has_open_goes_to_the_next_agent_in_line(
    agent_client, make_agent, make_ticket, account, support
):
    bob = make_agent(account, "bob@acme.test", "Bob")
    urgent = waiting(make_ticket, account, support, "Urgent", 1)
    later = waiting(make_ticket, account, support, "Later", 5)
    signed_in(bob, account).get(f"/agent/tickets/{urgent.public_id}/")  # Bob opens it: the page claims it
    assert claims.holder(urgent.pk) == bob.pk
    response = agent_client.post("/agent/to-solve/next/")
    assert response["Location"] == f"/agent/tickets/{later.public_id}/"


def test_nothing_to_solve_goes_back_to_the_inbox(agent_client, support):
    response = agent_client.post("/agent/to-solve/next/", follow=True)
    assert response.redirect_chain == [("/agent/", 302)]
    assert "Nothing to solve: no ticket is waiting for you." in response.content.decode()


def test_the_ticket_page_renews_its_claim(agent_client, agent, make_ticket, account, support):
    ticket = waiting(make_ticket, account, support, "Open", 1)
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f'hx-post="/agent/to-solve/hold/{ticket.public_id}/"' in page
    cache.delete(f"tosolve:hold:{ticket.pk}")
    assert agent_client.post(f"/agent/to-solve/hold/{ticket.public_id}/").status_code == 204
    assert claims.holder(ticket.pk) == agent.pk


def test_another_accounts_ticket_cannot_be_claimed(agent_client, make_ticket, other_account, support):
    theirs = make_ticket(other_account, subject="Theirs")
    assert agent_client.post(f"/agent/to-solve/hold/{theirs.public_id}/").status_code == 404
    assert claims.holder(theirs.pk) is None


def test_another_accounts_tickets_are_never_counted_or_handed_out(make_agent, make_ticket, other_account, account):
    outsider = make_agent(other_account, "out@globex.test", "Outsider")
    make_ticket(account, subject="Ours")
    client = signed_in(outsider, other_account)
    assert 'data-to-solve="0"' in client.get("/agent/to-solve/").content.decode()
    assert client.post("/agent/to-solve/next/")["Location"] == "/agent/"


def test_an_agent_who_answers_only_through_to_solve_is_refused_elsewhere_and_nothing_is_sent(
    agent_client, agent, make_ticket, account, support
):
    set_answer_only_to_solve(membership=Membership.objects.get(account=account, user=agent), value=True)
    urgent = waiting(make_ticket, account, support, "Urgent", 1)
    later = waiting(make_ticket, account, support, "Later", 5)
    response = agent_client.post(f"/agent/tickets/{later.public_id}/reply/", {"body": "Skipping"})
    assert response.status_code == 422
    assert "You answer tickets through To solve: open the next ticket with To solve." in response.content.decode()
    assert not Message.objects.filter(ticket=later, body_text="Skipping").exists()
    assert "data-answer-through-to-solve" in agent_client.get(f"/agent/tickets/{later.public_id}/").content.decode()
    agent_client.post("/agent/to-solve/next/")
    page = agent_client.get(f"/agent/tickets/{urgent.public_id}/").content.decode()
    assert "data-answer-through-to-solve" not in page
    response = agent_client.post(f"/agent/tickets/{urgent.public_id}/reply/", {"body": "In order"})
    assert response.status_code == 302
    assert Message.objects.filter(ticket=urgent, body_text="In order").exists()


def test_the_option_is_set_in_settings_agents(owner_client, agent, account):
    membership = Membership.objects.get(account=account, user=agent)
    url = f"/agent/settings/agents/{membership.public_id}/to-solve/"
    assert owner_client.post(url, {"answer_only_to_solve": "on"}).status_code == 302
    membership.refresh_from_db()
    assert membership.answer_only_to_solve is True
    owner_client.post(url, {})
    membership.refresh_from_db()
    assert membership.answer_only_to_solve is False


def test_the_option_of_another_accounts_agent_cannot_be_set(owner_client, make_agent, other_account):
    outsider = make_agent(other_account, "out@globex.test", "Outsider")
    theirs = Membership.objects.get(account=other_account, user=outsider)
    url = f"/agent/settings/agents/{theirs.public_id}/to-solve/"
    assert owner_client.post(url, {"answer_only_to_solve": "on"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.answer_only_to_solve is False


def test_an_agent_cannot_set_the_option(agent_client, agent, account):
    membership = Membership.objects.get(account=account, user=agent)
    url = f"/agent/settings/agents/{membership.public_id}/to-solve/"
    assert agent_client.post(url, {}).status_code == 403
