"""A web node that dies without closing its sockets (routing.nodes): the visitor sockets it counted are taken off
their chats, and a waiting chat left without one follows the visitor-left rule; other nodes' sockets stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.channels.chat import tasks
from helpline.channels.chat.actions import presence, visitor_connected, visitor_disconnected
from helpline.channels.chat.models import ChatSession, VisitorSockets
from helpline.channels.chat.tests.conftest import make_available, start
from helpline.channels.chat.tests.test_visitor_left import T0
from helpline.routing.actions.nodes import beat

pytestmark = pytest.mark.django_db
OTHER = "visitor-fedcba9876543210"


@pytest.fixture
def now(monkeypatch):
    class Clock:
        at = T0

    moment = Clock()
    monkeypatch.setattr("helpline.core.clock.now", lambda: moment.at)
    return moment


def counts(session):
    session.refresh_from_db()
    held = dict(VisitorSockets.objects.filter(session=session).values_list("node", "sockets"))
    return session.visitor_sockets, held, session.visitor_gone_at


def test_sockets_counted_per_node_and_released_when_the_node_dies(button, account, agent, now):
    make_available(account, agent)
    vera = start(button, name="Vera", message="Hello?")
    otto = start(button, visitor=OTHER, name="Otto", message="Hi?")
    beat(node="node-a")
    beat(node="node-b")
    visitor_connected(session=vera, node="node-a")
    visitor_connected(session=vera, node="node-a")  # a second tab
    visitor_connected(session=otto, node="node-a")
    visitor_connected(session=otto, node="node-b")  # reconnected through the other node
    visitor_disconnected(session=vera, node="node-a")
    assert counts(vera) == (1, {"node-a": 1}, None)
    assert counts(otto) == (2, {"node-a": 1, "node-b": 1}, None)

    now.at = T0 + timedelta(seconds=30)
    beat(node="node-b")  # node A stops beating at T0
    assert tasks.release_dead_node_visitors.call_local() == 0  # not dead yet
    now.at = T0 + timedelta(seconds=100)
    beat(node="node-b")
    assert tasks.release_dead_node_visitors.call_local() == 2
    assert counts(vera) == (0, {}, T0)  # gone since node A's last heartbeat
    assert counts(otto) == (1, {"node-b": 1}, None)  # still there through node B
    assert tasks.release_dead_node_visitors.call_local() == 0  # nothing twice
    assert presence.withdraw_if_visitor_gone(session_id=vera.pk) is True  # 100 s > the 60 s grace
    assert presence.withdraw_if_visitor_gone(session_id=otto.pk) is False
    assert list(ChatSession.objects.order_by("pk").values_list("state", flat=True)) == ["ended", "waiting"]


def test_a_visitor_back_on_a_live_node_before_the_sweep_keeps_the_chat(button, account, agent, now):
    make_available(account, agent)
    vera = start(button, name="Vera", message="Hello?")
    beat(node="node-a")
    visitor_connected(session=vera, node="node-a")
    now.at = T0 + timedelta(seconds=120)
    beat(node="node-b")
    visitor_connected(session=vera, node="node-b")  # the widget reconnected through node B
    assert presence.release_dead_nodes({"node-a"}) == 1
    assert counts(vera) == (1, {"node-b": 1}, None)
    assert presence.withdraw_if_visitor_gone(session_id=vera.pk) is False
