"""Accept, decline, withdraw and finish; the concurrent-chat limit, idle slots, the queue, nobody online."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.conversations.models import Ticket
from helpline.core.errors import Conflict
from helpline.routing.actions import (
    accept_chat,
    decline_chat,
    finish_chat,
    request_chat,
    set_agent_routing,
    set_presence,
    withdraw_chat,
)
from helpline.routing.models import ChatRequest, ChatRing
from helpline.routing.selectors import get_queue_position, list_ringing_for, running_chats
from helpline.routing.tasks import sweep
from helpline.routing.tests.helpers import configure, give_chats, rung
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(account, clock):
    configure(account)


def test_accepting_assigns_the_ticket_and_stops_the_other_rings(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    accepted = accept_chat(request=request, user=ben)
    assert (accepted.state, accepted.assigned_user_id) == (ChatRequest.ACCEPTED, ben.pk)
    assert Ticket.objects.get(pk=request.ticket_id).assignee_id == ben.pk
    states = dict(ChatRing.objects.filter(request=request).values_list("user__name", "state"))
    assert states == {"Ann": "cancelled", "Ben": "accepted", "Cat": "cancelled"}
    assert list_ringing_for(account, ann) == []
    assert AuditEntry.objects.filter(action="chat.accepted", subject_id=request.public_id).count() == 1


def test_a_second_accept_loses_and_changes_nothing(account, agents, go_online, chat_ticket):
    ann, ben, _cat = agents
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    stale_copy = ChatRequest.objects.get(pk=request.pk)
    accept_chat(request=request, user=ann)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        accept_chat(request=stale_copy, user=ben)
    request.refresh_from_db()
    assert request.assigned_user_id == ann.pk
    assert Ticket.objects.get(pk=request.ticket_id).assignee_id == ann.pk
    assert AuditEntry.objects.count() == audit_before


def test_the_conditional_update_refuses_a_request_no_longer_in_the_rung_round(
    account, agents, go_online, chat_ticket, clock
):
    """The referee itself: an agent whose ring row still says ringing cannot win a request that moved on."""
    ann, ben, _cat = agents
    configure(account, strategy="priorities")
    set_agent_routing(account=account, user=ann, priority=1)
    go_online(account, ann, ben)
    request = request_chat(ticket=chat_ticket(account))
    ChatRequest.objects.filter(pk=request.pk).update(round=2)  # another node moved it on a moment ago
    with pytest.raises(Conflict):
        accept_chat(request=request, user=ann)
    assert Ticket.objects.get(pk=request.ticket_id).assignee_id is None


def test_an_agent_not_rung_cannot_accept(account, agents, go_online, chat_ticket):
    ann, ben, cat = agents
    go_online(account, ann)
    request = request_chat(ticket=chat_ticket(account))
    with pytest.raises(Conflict):
        accept_chat(request=request, user=cat)
    request.refresh_from_db()
    assert request.state == ChatRequest.RINGING


def test_declining_moves_on_when_nobody_else_rings_and_is_not_a_missed_chat(account, agents, go_online, chat_ticket):
    from helpline.routing.models import AgentRouting

    ann, ben, _cat = agents
    configure(account, strategy="priorities")
    set_agent_routing(account=account, user=ann, priority=1)
    go_online(account, ann, ben)
    request = request_chat(ticket=chat_ticket(account))
    decline_chat(request=request, user=ann)
    request.refresh_from_db()
    assert rung(request) == ["Ben"]
    assert AgentRouting.objects.get(user=ann).missed_total == 0
    with pytest.raises(Conflict):
        decline_chat(request=request, user=ann)


def test_one_decline_among_several_rings_leaves_the_others_ringing(account, agents, go_online, chat_ticket):
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    decline_chat(request=request, user=agents[0])
    request.refresh_from_db()
    assert (request.round, rung(request)) == (1, ["Ben", "Cat"])


def test_withdrawing_cancels_the_rings_and_is_safe_twice(account, agents, go_online, chat_ticket):
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    withdraw_chat(request=request)
    withdraw_chat(request=request)
    request.refresh_from_db()
    assert request.state == ChatRequest.WITHDRAWN
    assert set(ChatRing.objects.filter(request=request).values_list("state", flat=True)) == {"cancelled"}
    assert AuditEntry.objects.filter(action="chat.withdrawn").count() == 1
    with pytest.raises(Conflict):
        accept_chat(request=request, user=agents[0])


def test_a_taken_chat_cannot_be_withdrawn(account, agents, go_online, chat_ticket):
    go_online(account, agents[0])
    request = accept_chat(request=request_chat(ticket=chat_ticket(account)), user=agents[0])
    with pytest.raises(Conflict):
        withdraw_chat(request=request)
    request.refresh_from_db()
    assert request.state == ChatRequest.ACCEPTED


def test_nobody_online_makes_the_request_unavailable(account, agents, chat_ticket):
    set_presence(account=account, user=agents[0], state="away")
    request = request_chat(ticket=chat_ticket(account))
    assert request.state == ChatRequest.UNAVAILABLE
    assert ChatRing.objects.count() == 0
    assert get_queue_position(request) == (0, 0)


def test_the_concurrent_chat_limit_per_agent_and_from_the_account(account, agents, go_online, chat_ticket):
    ann, ben, _cat = agents
    configure(account, chat_limit=2)
    go_online(account, ann, ben)
    set_agent_routing(account=account, user=ann, priority=50, chat_limit=1)
    give_chats(account, chat_ticket, ann, 1)
    give_chats(account, chat_ticket, ben, 2)
    assert running_chats(account, [ann.pk, ben.pk]) == {ann.pk: 1, ben.pk: 2}
    request = request_chat(ticket=chat_ticket(account))
    assert request.state == ChatRequest.QUEUED
    assert rung(request) == []


def test_a_ringing_chat_holds_a_slot_until_answered(account, agents, go_online, chat_ticket):
    ann = agents[0]
    configure(account, chat_limit=1)
    go_online(account, ann)
    first = request_chat(ticket=chat_ticket(account))
    second = request_chat(ticket=chat_ticket(account))
    assert (rung(first), second.state) == (["Ann"], ChatRequest.QUEUED)
    decline_chat(request=first, user=ann)  # the first goes to the queue's end... and the second rings
    second.refresh_from_db()
    assert rung(second) == ["Ann"]


def test_a_chat_idle_for_the_configured_time_frees_its_slot(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    configure(account, chat_limit=1, idle_release_minutes=5)
    go_online(account, ann)
    running = give_chats(account, chat_ticket, ann, 1)[0]
    waiting = request_chat(ticket=chat_ticket(account))
    assert waiting.state == ChatRequest.QUEUED
    Ticket.objects.filter(pk=running.ticket_id).update(last_activity_at=clock.now())
    clock.advance(5 * 60 - 1)
    assert sweep() == {"expired": 0, "offered": 0}
    clock.advance(1)
    assert sweep() == {"expired": 0, "offered": 1}  # the idle chat freed the slot
    waiting.refresh_from_db()
    assert rung(waiting) == ["Ann"]
    running.refresh_from_db()
    assert running.state == ChatRequest.ACCEPTED  # still open until the agent ends it


def test_idle_release_can_be_turned_off(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    configure(account, chat_limit=1, idle_release_minutes=0)
    go_online(account, ann)
    give_chats(account, chat_ticket, ann, 1)
    clock.advance(24 * 3600)
    assert request_chat(ticket=chat_ticket(account)).state == ChatRequest.QUEUED


def test_queue_position_and_wait_estimate(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    configure(account, chat_limit=1)
    go_online(account, ann)
    done = give_chats(account, chat_ticket, ann, 1)[0]
    clock.advance(240)
    finish_chat(ticket=done.ticket)  # the account's average chat: 240 s
    give_chats(account, chat_ticket, ann, 1)
    first = request_chat(ticket=chat_ticket(account))
    clock.advance(1)
    second = request_chat(ticket=chat_ticket(account))
    assert get_queue_position(first) == (1, 240)
    assert get_queue_position(second) == (2, 480)


def test_the_wait_estimate_uses_a_default_before_any_chat_finished(account, agents, go_online, chat_ticket):
    from helpline.routing.selectors import DEFAULT_HANDLE_SECONDS

    configure(account, chat_limit=1)
    go_online(account, agents[0])
    give_chats(account, chat_ticket, agents[0], 1)
    queued = request_chat(ticket=chat_ticket(account))
    assert get_queue_position(queued) == (1, DEFAULT_HANDLE_SECONDS)


def test_finishing_a_chat_offers_the_slot_to_the_oldest_queued_request(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    configure(account, chat_limit=1)
    go_online(account, ann)
    running = give_chats(account, chat_ticket, ann, 1)[0]
    first = request_chat(ticket=chat_ticket(account))
    clock.advance(1)
    second = request_chat(ticket=chat_ticket(account))
    finish_chat(ticket=running.ticket)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, rung(first)) == (ChatRequest.RINGING, ["Ann"])
    assert second.state == ChatRequest.QUEUED
    assert get_queue_position(second)[0] == 1
    running.refresh_from_db()
    assert running.state == ChatRequest.FINISHED


def test_an_agent_coming_online_is_offered_the_queue(account, agents, go_online, chat_ticket):
    ann, ben, _cat = agents
    configure(account, chat_limit=1)
    go_online(account, ann)
    give_chats(account, chat_ticket, ann, 1)
    queued = request_chat(ticket=chat_ticket(account))
    assert queued.state == ChatRequest.QUEUED
    go_online(account, ben)
    queued.refresh_from_db()
    assert rung(queued) == ["Ben"]


def test_finishing_a_chat_still_ringing_withdraws_it(account, agents, go_online, chat_ticket):
    go_online(account, agents[0])
    request = request_chat(ticket=chat_ticket(account))
    assert finish_chat(ticket=request.ticket) is None
    request.refresh_from_db()
    assert request.state == ChatRequest.WITHDRAWN


def test_list_ringing_for_shows_only_the_agents_own_rings(account, agents, go_online, chat_ticket, other_account):
    ann, ben, _cat = agents
    configure(account, strategy="priorities")
    set_agent_routing(account=account, user=ann, priority=1)
    go_online(account, ann, ben)
    first = request_chat(ticket=chat_ticket(account))
    assert [r.pk for r in list_ringing_for(account, ann)] == [first.pk]
    assert list_ringing_for(account, ben) == []
    assert list_ringing_for(other_account, ann) == []


def test_routing_never_rings_an_agent_of_another_account(account, other_account, agents, make_agent, chat_ticket):
    outsider = make_agent(other_account, "olga@globex.test", "Olga")
    set_presence(account=other_account, user=outsider, state="online")
    request = request_chat(ticket=chat_ticket(account))
    assert request.state == ChatRequest.UNAVAILABLE
    assert ChatRing.objects.count() == 0


def test_idle_chats_older_than_the_cutoff_do_not_count(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    go_online(account, ann)
    running = give_chats(account, chat_ticket, ann, 2)
    Ticket.objects.filter(pk=running[0].ticket_id).update(last_activity_at=clock.now() - timedelta(minutes=11))
    assert running_chats(account, [ann.pk]) == {ann.pk: 1}
