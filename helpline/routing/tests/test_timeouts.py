"""A ring nobody answers: missed chats are counted, the chat moves on, agents can be paused automatically."""

from __future__ import annotations

import pytest

from helpline.routing.actions import expire_ring, request_chat, set_agent_routing
from helpline.routing.models import AgentRouting, ChatRequest, ChatRing
from helpline.routing.selectors import get_presence
from helpline.routing.tasks import ring_timeout, sweep
from helpline.routing.tests.helpers import configure, rung

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _priorities(account, agents, clock):
    configure(account, strategy="priorities")
    for priority, agent in enumerate(agents, start=1):
        set_agent_routing(account=account, user=agent, priority=priority)


def missed(account, user) -> tuple[int, int]:
    profile = AgentRouting.objects.get(account=account, user=user)
    return profile.missed_in_row, profile.missed_total


def test_a_ring_timeout_moves_on_to_the_next_agent_and_counts_a_missed_chat(
    account, agents, go_online, chat_ticket, clock
):
    ann, ben, cat = agents
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    assert rung(request) == ["Ann"]
    clock.advance(29)
    assert ring_timeout.call_local(request.pk, 1) == "not due"
    assert rung(request) == ["Ann"]
    clock.advance(1)
    assert ring_timeout.call_local(request.pk, 1) == "moved on"
    request.refresh_from_db()
    assert (request.state, request.round) == (ChatRequest.RINGING, 2)
    assert rung(request) == ["Ben"]
    assert missed(account, ann) == (1, 1)
    assert ChatRing.objects.get(request=request, user=ann).state == ChatRing.MISSED
    assert not AgentRouting.objects.filter(account=account, user=ben, missed_total__gt=0).exists()


def test_a_timeout_of_an_earlier_round_does_nothing(account, agents, go_online, chat_ticket, clock):
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    clock.advance(30)
    assert expire_ring(request_id=request.pk, round=1) == "moved on"
    clock.advance(5)
    assert expire_ring(request_id=request.pk, round=1) == "stale"  # run twice, or late: nothing happens
    request.refresh_from_db()
    assert request.round == 2
    assert rung(request) == ["Ben"]
    assert missed(account, agents[0]) == (1, 1)


def test_the_ring_time_is_configurable(account, agents, go_online, chat_ticket, clock):
    configure(account, strategy="priorities", ring_seconds=10)
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    clock.advance(10)
    assert expire_ring(request_id=request.pk, round=1) == "moved on"


def test_after_every_agent_missed_the_chat_rings_the_first_again(account, agents, go_online, chat_ticket, clock):
    ann, ben, _cat = agents
    go_online(account, ann, ben)
    request = request_chat(ticket=chat_ticket(account))
    for round_, expected in [(1, ["Ben"]), (2, ["Ann"])]:
        clock.advance(30)
        expire_ring(request_id=request.pk, round=round_)
        request.refresh_from_db()
        assert rung(request) == expected
    assert missed(account, ann) == (1, 1)
    assert missed(account, ben) == (1, 1)


def test_an_agent_missing_n_chats_in_a_row_is_paused(account, agents, go_online, chat_ticket, clock):
    ann, ben, _cat = agents
    configure(account, strategy="priorities", auto_pause_after=2)
    go_online(account, ann, ben)
    for _ in range(2):
        request = request_chat(ticket=chat_ticket(account))
        assert rung(request) == ["Ann"]
        clock.advance(30)
        expire_ring(request_id=request.pk, round=1)
    assert missed(account, ann) == (2, 2)
    assert get_presence(account, ann) == "away"
    assert get_presence(account, ben) == "online"
    assert rung(request_chat(ticket=chat_ticket(account))) == ["Ben"]


def test_accepting_resets_the_missed_in_a_row_count(account, agents, go_online, chat_ticket, clock):
    from helpline.routing.actions import accept_chat

    ann = agents[0]
    configure(account, strategy="priorities", auto_pause_after=2)
    go_online(account, ann)
    request = request_chat(ticket=chat_ticket(account))
    clock.advance(30)
    expire_ring(request_id=request.pk, round=1)  # Ann alone: rung again in round 2
    request.refresh_from_db()
    accept_chat(request=request, user=ann)
    assert missed(account, ann) == (0, 1)
    assert get_presence(account, ann) == "online"


def test_when_the_only_agent_is_paused_the_chat_becomes_unavailable(account, agents, go_online, chat_ticket, clock):
    ann = agents[0]
    configure(account, strategy="priorities", auto_pause_after=1)
    go_online(account, ann)
    request = request_chat(ticket=chat_ticket(account))
    clock.advance(30)
    expire_ring(request_id=request.pk, round=1)
    request.refresh_from_db()
    assert request.state == ChatRequest.UNAVAILABLE


def test_the_sweeper_expires_overdue_rings_a_lost_task_left(account, agents, go_online, chat_ticket, clock):
    go_online(account, *agents)
    request = request_chat(ticket=chat_ticket(account))
    clock.advance(20)
    assert sweep() == {"expired": 0, "offered": 0}
    clock.advance(15)
    assert sweep() == {"expired": 1, "offered": 0}
    request.refresh_from_db()
    assert rung(request) == ["Ben"]


def test_ringing_schedules_its_timeout_task_with_the_ring_time(
    account, agents, go_online, chat_ticket, monkeypatch, django_capture_on_commit_callbacks
):
    configure(account, strategy="priorities", ring_seconds=45)
    go_online(account, *agents)
    scheduled = []
    monkeypatch.setattr(ring_timeout, "schedule", lambda args, delay: scheduled.append((args, delay)))
    with django_capture_on_commit_callbacks(execute=True):
        request = request_chat(ticket=chat_ticket(account))
    assert scheduled == [((request.pk, 1), 45)]
