"""Transfers ring the chosen agent or department; inviting a colleague; two accepts racing on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from helpline.conversations.models import Ticket
from helpline.core.errors import Conflict, DomainError
from helpline.routing.actions import accept_chat, expire_ring, invite_to_chat, request_chat, transfer_chat
from helpline.routing.models import ChatInvitation, ChatRequest
from helpline.routing.tests.helpers import configure, give_chats, rung
from helpline.tenancy.actions import create_department, set_department_members


@pytest.fixture
def running(account, agents, go_online, chat_ticket, clock):
    configure(account)
    go_online(account, *agents)
    return give_chats(account, chat_ticket, agents[0], 1)[0]  # Ann's chat


@pytest.mark.django_db
def test_transfer_to_an_agent_rings_that_agent_only(account, agents, running):
    ann, ben, _cat = agents
    new = transfer_chat(ticket=running.ticket, to_user=ben)
    assert (new.state, rung(new)) == (ChatRequest.RINGING, ["Ben"])
    running.refresh_from_db()
    assert running.state == ChatRequest.TRANSFERRED
    accept_chat(request=new, user=ben)
    assert Ticket.objects.get(pk=running.ticket_id).assignee_id == ben.pk


@pytest.mark.django_db
def test_a_transfer_the_agent_lets_pass_goes_to_the_department(account, agents, running, clock):
    new = transfer_chat(ticket=running.ticket, to_user=agents[1])
    clock.advance(30)
    expire_ring(request_id=new.pk, round=1)
    new.refresh_from_db()
    assert rung(new) == ["Cat"]  # not Ann, who handed it over; not Ben, who missed it


@pytest.mark.django_db
def test_transfer_to_a_department_moves_the_ticket_and_rings_its_members(account, agents, running):
    ann, ben, cat = agents
    sales = create_department(account=account, name="Sales")
    set_department_members(department=sales, users=[ann, cat])
    new = transfer_chat(ticket=running.ticket, to_department=sales)
    assert rung(new) == ["Cat"]  # Ann is the one handing over
    assert Ticket.objects.get(pk=running.ticket_id).department_id == sales.pk


@pytest.mark.django_db
def test_transfer_to_an_agent_who_is_offline_changes_nothing(account, agents, running):
    from helpline.routing.actions import set_presence

    set_presence(account=account, user=agents[1], state="offline")
    with pytest.raises(DomainError):
        transfer_chat(ticket=running.ticket, to_user=agents[1])
    running.refresh_from_db()
    assert running.state == ChatRequest.ACCEPTED
    assert ChatRequest.objects.filter(ticket=running.ticket).count() == 1


@pytest.mark.django_db
def test_transfer_needs_exactly_one_target_of_the_same_account(account, other_account, agents, running, make_agent):
    outsider = make_agent(other_account, "olga@globex.test", "Olga")
    foreign = create_department(account=other_account, name="Foreign")
    for kwargs in (
        {},
        {"to_user": agents[1], "to_department": foreign},
        {"to_user": outsider},
        {"to_department": foreign},
    ):
        with pytest.raises(DomainError):
            transfer_chat(ticket=running.ticket, **kwargs)
    with pytest.raises(DomainError):
        transfer_chat(ticket=running.ticket, to_user=agents[0])  # already hers
    assert ChatRequest.objects.filter(ticket=running.ticket).count() == 1


@pytest.mark.django_db
def test_inviting_a_colleague_records_one_invitation(account, agents, running, other_account, make_agent):
    ann, ben, _cat = agents
    first = invite_to_chat(ticket=running.ticket, user=ben)
    assert invite_to_chat(ticket=running.ticket, user=ben).pk == first.pk
    assert list(ChatInvitation.objects.values_list("user__name", flat=True)) == ["Ben"]
    for user in (ann, make_agent(other_account, "olga@globex.test", "Olga")):
        with pytest.raises(DomainError):
            invite_to_chat(ticket=running.ticket, user=user)
    assert ChatInvitation.objects.count() == 1


@pytest.mark.django_db
def test_a_chat_that_is_not_running_cannot_be_transferred_or_shared(account, agents, go_online, chat_ticket):
    configure(account)
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    with pytest.raises(DomainError):
        transfer_chat(ticket=request.ticket, to_user=agents[1])
    with pytest.raises(DomainError):
        invite_to_chat(ticket=request.ticket, user=agents[1])


@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_at_once_exactly_one_wins(account, agents, go_online, chat_ticket):
    """A real race on PostgreSQL: two threads, two connections, released together."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the conditional update is covered by test_requests")
    configure(account)
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    barrier = threading.Barrier(2)
    outcome = {}

    def accept(user):
        try:
            barrier.wait(timeout=5)
            accept_chat(request=ChatRequest.objects.get(pk=request.pk), user=user)
            outcome[user.name] = "won"
        except Conflict:
            outcome[user.name] = "lost"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in agents[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcome.values()) == ["lost", "won"]
    winner = next(name for name, result in outcome.items() if result == "won")
    request.refresh_from_db()
    assert request.assigned_user.name == winner
    assert Ticket.objects.get(pk=request.ticket_id).assignee.name == winner
