"""Collision detection across nodes, for real: two `helpline serve --no-worker` nodes sharing PostgreSQL and
Redis. An agent on node A and another on node B open the same ticket: each sees the other viewing (the answer to a
newcomer goes straight to its channel on the other node), replying shows, and closing the socket says "left".

Runs when HELPLINE_DATABASE_URL is postgres://… and HELPLINE_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from .support import (
    DJANGO_SETUP,
    SESSION_SNIPPET,
    Cluster,
    Proc,
    boot_nodes,
    cluster_env,
    helpline_command,
    needs_scale_out,
)

pytestmark = pytest.mark.multiprocess

REDIS_DBS = (11, 10)  # apart from the other modules' clusters (conftest.scaleout_redis)
SLUG = "presence"
OWNER_EMAIL = "owner@presence.test"
ADA_EMAIL = "ada@presence.test"
ADD_ADA = f"""
from helpline.tenancy.actions import add_member
from helpline.tenancy.models import Account, User
ada = User.objects.create_user({ADA_EMAIL!r}, "correct-horse-battery", name="Ada Lovelace")
add_member(account=Account.objects.get(slug={SLUG!r}), user=ada, role="agent")
"""


@dataclass
class Nodes:
    cluster: Cluster
    node_a: Proc
    node_b: Proc
    api_key: str
    owner_session: str
    ada_session: str


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, scaleout_database, scaleout_redis) -> Iterator[Nodes]:
    workdir = tmp_path_factory.mktemp("presence")
    cluster = Cluster(env=cluster_env(workdir, scaleout_database, scaleout_redis), workdir=workdir)
    session = SESSION_SNIPPET[len(DJANGO_SETUP) :]
    try:
        booted = boot_nodes(
            cluster,
            slug=SLUG,
            name="Presence",
            owner_email=OWNER_EMAIL,
            setup={
                "key": [*helpline_command(), "apikey", "create", "--account", SLUG],
                "owner": [sys.executable, "-c", SESSION_SNIPPET.format(slug=SLUG, email=OWNER_EMAIL)],
                "ada": [sys.executable, "-c", DJANGO_SETUP + ADD_ADA + session.format(slug=SLUG, email=ADA_EMAIL)],
            },
        )
        yield Nodes(
            cluster,
            booted.node_a,
            booted.node_b,
            booted.outputs["key"].strip(),
            booted.outputs["owner"].split()[0],
            booted.outputs["ada"].split()[0],
        )
    finally:
        cluster.stop_all()


async def _presence(socket, timeout: float = 10) -> dict:
    """The next ticket.presence frame (pings and other events are skipped)."""

    async def until():
        while True:
            frame = json.loads(await socket.recv())
            if frame.get("event") == "ticket.presence":
                return frame

    return await asyncio.wait_for(until(), timeout=timeout)


async def _flow(n: Nodes) -> None:
    from websockets.asyncio.client import connect

    async with httpx.AsyncClient(base_url=n.node_a.url, timeout=10) as api:
        created = await api.post(
            "/api/v1/tickets",
            headers={"Authorization": f"Bearer {n.api_key}"},
            json={"subject": "Two agents", "contact": {"email": "carla@example.com"}, "message": {"body": "Help"}},
        )
        assert created.status_code == 201, created.text
        ticket = created.json()["id"]

    def socket_on(node: Proc, session: str):
        headers = {"Cookie": f"sessionid={session}", "Origin": node.url}
        return connect(f"ws://127.0.0.1:{node.port}/ws/agent/", additional_headers=headers, open_timeout=10)

    async with socket_on(n.node_a, n.owner_session) as owner:
        assert json.loads(await owner.recv())["event"] == "hello"
        await owner.send(json.dumps({"type": "view", "ticket": ticket}))
        async with socket_on(n.node_b, n.ada_session) as ada:
            assert json.loads(await ada.recv())["event"] == "hello"
            await ada.send(json.dumps({"type": "view", "ticket": ticket}))

            seen_by_owner = await _presence(owner)
            assert (seen_by_owner["name"], seen_by_owner["state"], seen_by_owner["ticket"]) == (
                "Ada Lovelace",
                "viewing",
                ticket,
            )
            seen_by_ada = await _presence(ada)  # node A's answer to the newcomer, sent to its channel on node B
            assert (seen_by_ada["state"], seen_by_ada["ticket"]) == ("viewing", ticket)

            await ada.send(json.dumps({"type": "replying", "active": True}))
            assert (await _presence(owner))["state"] == "replying"
        # Ada's socket closed on node B: node A's socket hears she left.
        left = await _presence(owner)
        assert (left["name"], left["state"]) == ("Ada Lovelace", "left")


@needs_scale_out
def test_presence_crosses_nodes(nodes: Nodes):
    asyncio.run(_flow(nodes))
    for proc in (nodes.node_a, nodes.node_b):
        assert proc.popen.poll() is None, f"{proc.name} died\n{nodes.cluster.logs()}"
