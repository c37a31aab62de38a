"""Each routing event is typed, published after commit, and carries exactly these values."""

from __future__ import annotations

import pytest

from helpline.events import types as ev
from helpline.routing.actions import (
    accept_chat,
    decline_chat,
    expire_ring,
    finish_chat,
    invite_to_chat,
    request_chat,
    set_agent_routing,
    set_presence,
    withdraw_chat,
)
from helpline.routing.tests.helpers import configure

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(account, agents, go_online, clock):
    configure(account, strategy="priorities", chat_limit=1)
    for priority, agent in enumerate(agents, start=1):
        set_agent_routing(account=account, user=agent, priority=priority)
    go_online(account, agents[0], agents[1])
    return agents


def chat_events(seen):
    return [e for e in seen if e.name.startswith("chat.") or e.name.startswith("agent.")]


def test_ringing_accepted_finished(account, setup, chat_ticket, events, django_capture_on_commit_callbacks):
    ann, ben, _cat = setup
    with django_capture_on_commit_callbacks(execute=True):
        request = request_chat(ticket=chat_ticket(account))
    ids = {"account_id": account.pk, "ticket_id": request.ticket_id, "request_id": request.pk}
    assert chat_events(events) == [ev.ChatRinging(**ids, agent_user_ids=(ann.pk,))]
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept_chat(request=request, user=ann)
    assert chat_events(events) == [ev.ChatAccepted(**ids, actor_user_id=ann.pk, agent_user_id=ann.pk)]
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        finish_chat(ticket=request.ticket)
    assert chat_events(events) == [ev.ChatFinished(**ids, agent_user_id=ann.pk)]


def test_missed_then_ringing_the_next(account, setup, chat_ticket, events, clock, django_capture_on_commit_callbacks):
    ann, ben, _cat = setup
    request = request_chat(ticket=chat_ticket(account))
    ids = {"account_id": account.pk, "ticket_id": request.ticket_id, "request_id": request.pk}
    clock.advance(30)
    with django_capture_on_commit_callbacks(execute=True):
        expire_ring(request_id=request.pk, round=1)
    assert chat_events(events) == [
        ev.ChatMissed(**ids, agent_user_id=ann.pk),
        ev.ChatRinging(**ids, agent_user_ids=(ben.pk,)),
    ]


def test_declined_and_withdrawn(account, setup, chat_ticket, events, django_capture_on_commit_callbacks):
    ann, ben, _cat = setup
    request = request_chat(ticket=chat_ticket(account))
    ids = {"account_id": account.pk, "ticket_id": request.ticket_id, "request_id": request.pk}
    with django_capture_on_commit_callbacks(execute=True):
        decline_chat(request=request, user=ann)
        withdraw_chat(request=request)
    assert chat_events(events) == [
        ev.ChatDeclined(**ids, actor_user_id=ann.pk, agent_user_id=ann.pk),
        ev.ChatRinging(**ids, agent_user_ids=(ben.pk,)),
        ev.ChatWithdrawn(**ids),
    ]


def test_queued_and_unavailable(account, setup, chat_ticket, events, django_capture_on_commit_callbacks):
    ann, ben, _cat = setup
    for user in (ann, ben):
        accept_chat(request=request_chat(ticket=chat_ticket(account)), user=user)
    with django_capture_on_commit_callbacks(execute=True):
        queued = request_chat(ticket=chat_ticket(account))
    assert chat_events(events) == [
        ev.ChatQueued(account_id=account.pk, ticket_id=queued.ticket_id, request_id=queued.pk, position=1)
    ]
    events.clear()
    for user in (ann, ben):
        set_presence(account=account, user=user, state="offline")
    with django_capture_on_commit_callbacks(execute=True):
        nobody = request_chat(ticket=chat_ticket(account))
    assert [e for e in chat_events(events) if e.name != "agent.presence_changed"] == [
        ev.ChatUnavailable(account_id=account.pk, ticket_id=nobody.ticket_id, request_id=nobody.pk)
    ]


def test_invited(account, setup, chat_ticket, events, django_capture_on_commit_callbacks):
    from helpline.core.actors import Actor

    ann, ben, _cat = setup
    request = accept_chat(request=request_chat(ticket=chat_ticket(account)), user=ann)
    with django_capture_on_commit_callbacks(execute=True):
        invite_to_chat(ticket=request.ticket, user=ben, actor=Actor(user=ann))
    assert chat_events(events) == [
        ev.ChatInvited(
            account_id=account.pk,
            actor_user_id=ann.pk,
            ticket_id=request.ticket_id,
            request_id=request.pk,
            agent_user_id=ben.pk,
        )
    ]


def test_presence_changed(account, agents, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_presence(account=account, user=agents[2], channel="calls", state="away")
    assert events == [
        ev.AgentPresenceChanged(
            account_id=account.pk, user_id=agents[2].pk, channel="calls", from_state="offline", to_state="away"
        )
    ]
