"""Every strategy rings exactly the expected agents; department members only; returning visitors first."""

from __future__ import annotations

import pytest

from helpline.routing import strategies
from helpline.routing.actions import request_chat, set_agent_routing, set_department_strategy, withdraw_chat
from helpline.routing.models import ChatRequest
from helpline.routing.tests.helpers import configure, give_chats, rung
from helpline.tenancy.actions import create_department, set_department_members

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(account, clock):
    configure(account)


def test_ring_all_rings_every_online_agent_with_a_free_slot(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, ann, cat)  # Ben is offline
    request = request_chat(ticket=chat_ticket(account))
    assert request.state == ChatRequest.RINGING
    assert request.round == 1
    assert rung(request) == ["Ann", "Cat"]


def test_random_rings_one_agent_drawn_from_the_free_ones(account, agents, go_online, chat_ticket, monkeypatch):
    configure(account, strategy="random")
    go_online(account, *agents)
    drawn = []
    monkeypatch.setattr(strategies, "pick_random", lambda candidates: drawn.append(candidates) or candidates[-1])
    request = request_chat(ticket=chat_ticket(account))
    assert rung(request) == ["Cat"]
    assert [c.user_id for c in drawn[0]] == [a.pk for a in agents]


def test_random_without_a_fixed_draw_still_rings_exactly_one(account, agents, go_online, chat_ticket):
    configure(account, strategy="random")
    go_online(account, *agents)
    for _ in range(5):
        names = rung(request_chat(ticket=chat_ticket(account)))
        assert len(names) == 1 and names[0] in {"Ann", "Ben", "Cat"}


def test_least_busy_rings_the_agent_with_fewest_running_chats(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    give_chats(account, chat_ticket, ann, 2)
    give_chats(account, chat_ticket, cat, 1)
    configure(account, strategy="least_busy")
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Ben"]


def test_least_busy_breaks_ties_by_priority(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    set_agent_routing(account=account, user=cat, priority=5)
    configure(account, strategy="least_busy")
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Cat"]


def test_fill_up_rings_the_busiest_agent_until_their_limit(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    give_chats(account, chat_ticket, ben, 2)
    give_chats(account, chat_ticket, cat, 1)
    configure(account, strategy="fill_up")
    ringing = request_chat(ticket=chat_ticket(account))
    assert rung(ringing) == ["Ben"]
    withdraw_chat(request=ringing)
    give_chats(account, chat_ticket, ben, 1)  # Ben is now full (3 of 3)
    configure(account, strategy="fill_up")
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Cat"]


def test_priorities_ring_the_agents_with_the_lowest_number(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    set_agent_routing(account=account, user=ann, priority=20)
    set_agent_routing(account=account, user=ben, priority=10)
    set_agent_routing(account=account, user=cat, priority=10)
    configure(account, strategy="priorities")
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Ben", "Cat"]


def test_only_members_of_the_department_ring_and_its_own_strategy_applies(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    sales = create_department(account=account, name="Sales")
    set_department_members(department=sales, users=[ben, cat])
    set_department_strategy(department=sales, strategy="priorities")
    set_agent_routing(account=account, user=cat, priority=3)
    assert rung(request_chat(ticket=chat_ticket(account), department=sales)) == ["Cat"]
    # No department: every agent rings (ring all, in priority order).
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Cat", "Ann", "Ben"]


def test_a_department_strategy_can_be_reset_to_the_account_one(account, agents, go_online, chat_ticket):
    go_online(account, *agents)
    sales = create_department(account=account, name="Sales")
    set_department_members(department=sales, users=agents)
    set_department_strategy(department=sales, strategy="priorities")
    set_department_strategy(department=sales, strategy="")
    assert rung(request_chat(ticket=chat_ticket(account), department=sales)) == ["Ann", "Ben", "Cat"]


def test_a_department_without_online_members_is_unavailable(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, ann)
    sales = create_department(account=account, name="Sales")
    set_department_members(department=sales, users=[ben])
    request = request_chat(ticket=chat_ticket(account), department=sales)
    assert request.state == ChatRequest.UNAVAILABLE
    assert rung(request) == []


def test_a_returning_visitor_rings_first_at_the_agent_who_served_them(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    first = give_chats(account, chat_ticket, ben, 1)[0]
    again = chat_ticket(account, email=first.ticket.contact.primary_email)
    assert again.contact_id == first.contact_id
    assert rung(request_chat(ticket=again)) == ["Ben"]
    assert rung(request_chat(ticket=chat_ticket(account, email="new@example.com"))) == ["Ann", "Ben", "Cat"]


def test_a_returning_visitor_goes_to_the_strategy_when_their_agent_is_away(account, agents, go_online, chat_ticket):
    from helpline.routing.actions import set_presence

    ann, ben, cat = agents
    go_online(account, *agents)
    first = give_chats(account, chat_ticket, ben, 1)[0]
    set_presence(account=account, user=ben, state="away")
    again = chat_ticket(account, email=first.ticket.contact.primary_email)
    assert rung(request_chat(ticket=again)) == ["Ann", "Cat"]


def test_only_chat_tickets_are_routed(account, agents, go_online, make_ticket):
    from helpline.core.errors import DomainError

    go_online(account, *agents)
    with pytest.raises(DomainError):
        request_chat(ticket=make_ticket(account, channel="web"))
    assert ChatRequest.objects.count() == 0


def test_asking_twice_returns_the_open_request(account, agents, go_online, chat_ticket):
    go_online(account, *agents)
    ticket = chat_ticket(account)
    first = request_chat(ticket=ticket)
    assert request_chat(ticket=ticket).pk == first.pk
    assert ChatRequest.objects.count() == 1
