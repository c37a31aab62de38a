"""A waiting chat whose visitor left: withdrawn as missed after the grace period, unless a socket comes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from helpline.channels.chat import tasks
from helpline.channels.chat.actions import presence, visitor_connected, visitor_disconnected
from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.tests.conftest import VISITOR, make_available, receive_until, start, visitor_socket
from helpline.conversations.models import Message
from helpline.security.models import AuditEntry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MISSED = "The visitor left before an agent answered. The chat was withdrawn as missed."


@pytest.fixture
def now(monkeypatch):
    class Clock:
        at = T0

    moment = Clock()
    monkeypatch.setattr("helpline.core.clock.now", lambda: moment.at)
    return moment


@pytest.fixture
def waiting(button, account, agent, now):
    """A chat ringing (or queued) for the agent, its visitor's socket connected."""
    make_available(account, agent)
    session = start(button, name="Vera", message="Hello?")
    visitor_connected(session=session)
    session.refresh_from_db()
    assert (session.state, session.visitor_sockets, session.visitor_gone_at) == ("waiting", 1, None)
    return session


def request_state(session):
    from helpline.channels.chat.routing_bridge import get_request, request_state

    return request_state(get_request(session))


@pytest.mark.django_db
def test_a_visitor_gone_past_the_grace_period_withdraws_the_chat_as_missed(waiting, now):
    ringing = request_state(waiting)
    visitor_disconnected(session=waiting)
    waiting.refresh_from_db()
    assert (waiting.visitor_sockets, waiting.visitor_gone_at) == (0, T0)
    now.at = T0 + timedelta(seconds=59)
    assert presence.withdraw_if_visitor_gone(session_id=waiting.pk) == 1.0  # not yet: a second to go
    assert ChatSession.objects.get(pk=waiting.pk).state == "waiting"
    now.at = T0 + timedelta(seconds=60)
    assert presence.withdraw_if_visitor_gone(session_id=waiting.pk) is True
    session = ChatSession.objects.select_related("ticket").get(pk=waiting.pk)
    assert (session.state, session.ticket.status) == ("ended", "new")
    system = Message.objects.get(ticket=session.ticket, kind="system")
    assert (system.direction, system.body_text, system.meta["reason"]) == ("internal", MISSED, "visitor_left")
    if ringing:  # with routing installed: the ring is withdrawn, no agent is rung any more
        assert (ringing, request_state(session)) in {("ringing", "withdrawn"), ("queued", "withdrawn")}
    ended = AuditEntry.objects.get(action="chat.session_ended", subject_id=session.ticket.public_id)
    assert ended.data == {"chat": session.public_id, "ended_by": "system", "reason": "visitor_left"}
    # Idempotent: a second run (another node, the sweep) changes nothing.
    assert presence.withdraw_if_visitor_gone(session_id=waiting.pk) is False
    assert tasks.withdraw_if_visitor_gone.call_local(waiting.pk) == "nothing to do"
    assert Message.objects.filter(ticket=session.ticket, kind="system").count() == 1
    assert AuditEntry.objects.filter(action="chat.session_ended").count() == 1


@pytest.mark.django_db
def test_a_reconnect_within_the_grace_period_keeps_the_chat(waiting, now):
    visitor_disconnected(session=waiting)
    now.at = T0 + timedelta(seconds=30)
    visitor_connected(session=waiting)  # a reload
    now.at = T0 + timedelta(minutes=5)
    assert tasks.withdraw_if_visitor_gone.call_local(waiting.pk) == "nothing to do"
    session = ChatSession.objects.select_related("ticket").get(pk=waiting.pk)
    assert (session.state, session.ticket.status, session.visitor_sockets) == ("waiting", "chatting", 1)
    assert not Message.objects.filter(ticket=session.ticket, kind="system").exists()


@pytest.mark.django_db
def test_one_tab_closing_while_another_stays_keeps_the_chat(waiting, now):
    visitor_connected(session=waiting)  # a second tab
    visitor_disconnected(session=waiting)
    now.at = T0 + timedelta(minutes=5)
    assert presence.list_abandoned_chat_ids() == []
    assert tasks.sweep_abandoned_chats.call_local() == 0
    assert ChatSession.objects.get(pk=waiting.pk).state == "waiting"


@pytest.mark.django_db
def test_an_accepted_chat_is_never_withdrawn(waiting, agent, now):
    from helpline.channels.chat.actions import accept_chat

    accept_chat(session=waiting, user=agent)
    visitor_disconnected(session=waiting)
    now.at = T0 + timedelta(minutes=5)
    assert presence.withdraw_if_visitor_gone(session_id=waiting.pk) is False
    assert ChatSession.objects.get(pk=waiting.pk).state == "active"


@pytest.mark.django_db
def test_the_sweep_withdraws_a_chat_whose_visitor_never_connected(
    button, account, agent, other_button, other_account, make_agent, now
):
    make_available(account, agent)
    make_available(other_account, make_agent(other_account, "bob@globex.test"))
    never = start(button, visitor="visitor-never-connected-01")  # the pre-chat form, then nothing
    here = start(other_button, visitor="visitor-still-here-000001")
    visitor_connected(session=here)
    now.at = T0 + timedelta(seconds=61)
    assert presence.list_abandoned_chat_ids() == [never.pk]
    assert tasks.sweep_abandoned_chats.call_local() == 1
    states = dict(ChatSession.objects.values_list("visitor_id", "state"))
    assert states == {"visitor-never-connected-01": "ended", "visitor-still-here-000001": "waiting"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_the_widget_socket_counts_the_visitor_in_and_out(button, account, agent):
    make_available(account, agent)
    session = start(button, message="Hi")

    async def scenario():
        socket, connected, _code = await visitor_socket(button.key)
        assert connected
        await socket.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        await receive_until(socket, lambda m: m.get("type") == "welcome")
        await socket.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 1})  # hello again: counted once
        await receive_until(socket, lambda m: m.get("type") == "welcome")
        inside = await asyncio.to_thread(lambda: ChatSession.objects.get(pk=session.pk).visitor_sockets)
        await socket.disconnect()
        return inside

    assert asyncio.run(scenario()) == 1
    session.refresh_from_db()
    assert session.visitor_sockets == 0
    assert session.visitor_gone_at is not None
    assert session.state == "waiting"
