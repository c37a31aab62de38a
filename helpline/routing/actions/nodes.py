"""Node heartbeats and the sweep of the sockets a dead node held (routing.nodes)."""

from __future__ import annotations

from datetime import timedelta

from helpline.core import clock
from helpline.routing.models import AgentConnection, WebNode
from helpline.routing.nodes import DEAD_AFTER

FORGET_AFTER = timedelta(days=1)  # a dead node's row, once nothing refers to it any more


def beat(*, node: str) -> None:
    """The node is alive (not audited: a heartbeat is not a change anybody made)."""
    now = clock.now()
    if not WebNode.objects.filter(node_id=node).update(heartbeat_at=now):
        WebNode.objects.get_or_create(node_id=node, defaults={"started_at": now, "heartbeat_at": now})


def alive_nodes() -> set[str]:
    return set(WebNode.objects.filter(heartbeat_at__gt=clock.now() - DEAD_AFTER).values_list("node_id", flat=True))


def dead_nodes() -> set[str]:
    """Nodes that beat once and stopped: a process that never beat (not started by ``helpline serve``) is never
    taken for dead, so its sockets are never swept."""
    return set(WebNode.objects.filter(heartbeat_at__lte=clock.now() - DEAD_AFTER).values_list("node_id", flat=True))


def last_heartbeat(node: str):
    return WebNode.objects.filter(node_id=node).values_list("heartbeat_at", flat=True).first()


def sweep_dead_agent_connections() -> int:
    """Agent sockets of dead nodes are closed as the socket would have closed them (the agent's last one: offline
    everywhere). Returns how many were cleared."""
    from helpline.routing.actions.presence import agent_disconnected

    cleared = 0
    for node in dead_nodes():
        for channel_name in AgentConnection.objects.filter(node=node).values_list("channel_name", flat=True):
            agent_disconnected(channel_name=channel_name)
            cleared += 1
    WebNode.objects.filter(heartbeat_at__lt=clock.now() - FORGET_AFTER).exclude(
        node_id__in=AgentConnection.objects.values("node")
    ).delete()
    return cleared
