"""Web nodes (routing.nodes): a deactivated agent's socket closes quietly; the agent sockets a node held are cleared
once its heartbeat stops, and only that node's."""

from __future__ import annotations

import pytest

from helpline.routing.actions import agent_connected, agent_disconnected, set_presence
from helpline.routing.actions.nodes import alive_nodes, beat, sweep_dead_agent_connections
from helpline.routing.models import AgentConnection, PresenceInterval, WebNode
from helpline.routing.selectors import get_presence
from helpline.routing.tasks import sweep_dead_nodes
from helpline.tenancy.actions.members import deactivate_member
from helpline.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def test_a_deactivated_agent_socket_closing_cleans_up_quietly(account, agent, clock):
    agent_connected(account=account, user=agent, channel_name="tab-1", node="node-a")
    set_presence(account=account, user=agent, state="online")
    deactivate_member(membership=Membership.objects.get(account=account, user=agent))
    assert agent_disconnected(channel_name="tab-1") is True  # no DomainError
    assert not AgentConnection.objects.filter(channel_name="tab-1").exists()
    assert not PresenceInterval.objects.filter(account=account, user=agent, ended_at__isnull=True).exists()
    assert get_presence(account, agent) == "offline"


def test_the_sockets_of_a_node_that_stopped_beating_are_cleared(account, agent, make_agent, clock):
    bob = make_agent(account, "bob@acme.test")
    beat(node="node-a")
    beat(node="node-b")
    agent_connected(account=account, user=agent, channel_name="a-1", node="node-a")
    agent_connected(account=account, user=agent, channel_name="a-2", node="node-a")
    agent_connected(account=account, user=bob, channel_name="b-1", node="node-b")
    agent_connected(account=account, user=bob, channel_name="old", node="")  # before nodes: never swept
    set_presence(account=account, user=agent, state="online")
    set_presence(account=account, user=bob, state="online")
    clock.advance(60)
    beat(node="node-b")  # node A has gone silent for 60 s: still counted alive
    assert sweep_dead_agent_connections() == 0
    assert alive_nodes() == {"node-a", "node-b"}
    clock.advance(40)
    beat(node="node-b")
    assert alive_nodes() == {"node-b"}
    assert sweep_dead_nodes.call_local() == 2
    assert sorted(AgentConnection.objects.values_list("channel_name", flat=True)) == ["b-1", "old"]
    assert (get_presence(account, agent), get_presence(account, bob)) == ("offline", "online")
    interval = PresenceInterval.objects.filter(account=account, user=agent, channel="chat").get()
    assert (interval.ended_at is not None, interval.state) == (True, "online")
    assert sweep_dead_agent_connections() == 0  # nothing twice
    assert set(WebNode.objects.values_list("node_id", flat=True)) == {"node-a", "node-b"}
    clock.advance(86400 + 1)
    beat(node="node-b")
    sweep_dead_agent_connections()
    assert set(WebNode.objects.values_list("node_id", flat=True)) == {"node-b"}  # forgotten after a day
