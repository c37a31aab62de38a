"""Live chat across nodes, for real: the visitor's socket on one `helpline serve`, the agent's on another.

Two `helpline serve --no-worker` nodes and a `helpline worker` share a PostgreSQL database and a Redis db of their
own (support.py, conftest.py). The visitor starts a chat through node A's widget endpoint and holds
``/ws/visitor/KEY/`` on node A; the agent, online for chat through node B's presence switch, holds ``/ws/agent/``
and ``/ws/agent/chats/`` on node B, is rung there, accepts through node B's console, and both exchange lines that
cross Redis each way, exactly once and in order. Mid-conversation the visitor's socket drops while a message of
theirs is unacknowledged and the agent writes; the visitor comes back on node B, says the last sequence number it
saw, resends the unacknowledged message with the same client id and one typed while offline: every line is shown
once, in order, on both sides, and stored once.

Runs in the PostgreSQL + Redis pass only (HELPLINE_DATABASE_URL=postgres://… and HELPLINE_REDIS_URL set).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from .support import DJANGO_SETUP, SESSION_SNIPPET, Cluster, Proc, boot_nodes, cluster_env, needs_scale_out

pytestmark = [pytest.mark.multiprocess, needs_scale_out]

REDIS_DBS = (13, 12)  # apart from test_scale_out.py's clusters (conftest.scaleout_redis)
SLUG = "chatnodes"
OWNER_EMAIL = "owner@chatnodes.test"
VISITOR = "visitor-crossnode-0123456789"
TIMEOUT = 10.0

BUTTON_SNIPPET = (
    DJANGO_SETUP
    + """
from helpline.channels.chat.actions import create_chat_button
from helpline.tenancy.models import Account
print(create_chat_button(account=Account.objects.get(slug={slug!r}), name="Website").key)
"""
)


@dataclass
class ChatNodes:
    cluster: Cluster
    node_a: Proc
    node_b: Proc
    worker: Proc
    button_key: str
    session_key: str
    account_public_id: str


@pytest.fixture(scope="module")
def chat_nodes(tmp_path_factory, scaleout_database, scaleout_redis) -> Iterator[ChatNodes]:
    workdir = tmp_path_factory.mktemp("chatnodes")
    cluster = Cluster(env=cluster_env(workdir, scaleout_database, scaleout_redis), workdir=workdir)
    try:
        nodes = boot_nodes(
            cluster,
            slug=SLUG,
            name="Chat Nodes",
            owner_email=OWNER_EMAIL,
            setup={
                "button": [sys.executable, "-c", BUTTON_SNIPPET.format(slug=SLUG)],
                "session": [sys.executable, "-c", SESSION_SNIPPET.format(slug=SLUG, email=OWNER_EMAIL)],
            },
        )
        session_key, account_public_id = nodes.outputs["session"].split()
        yield ChatNodes(
            cluster,
            nodes.node_a,
            nodes.node_b,
            nodes.worker,
            button_key=nodes.outputs["button"].strip(),
            session_key=session_key,
            account_public_id=account_public_id,
        )
    finally:
        cluster.stop_all()


class Socket:
    """One websocket and every frame it received, so a failure shows what did arrive; ``lines`` are the chat lines
    in the order they came, as (seq, from, cid, text)."""

    def __init__(self, name: str, ws, nodes: ChatNodes):
        self.name, self.ws, self.nodes = name, ws, nodes
        self.frames: list[dict] = []
        self.lines: list[tuple[int, str, str, str]] = []
        self._read = 0  # frames[:_read] were offered to wait_for already

    async def send(self, **message) -> None:
        await self.ws.send(json.dumps(message))

    async def wait_for(self, predicate, what: str, timeout: float = TIMEOUT) -> dict:
        """The next frame (not offered before) that matches; the frames skipped on the way stay recorded."""

        async def until():
            while True:
                while self._read < len(self.frames):
                    frame = self.frames[self._read]
                    self._read += 1
                    if predicate(frame):
                        return frame
                frame = json.loads(await self.ws.recv())
                self.frames.append(frame)
                if frame.get("type") == "line":
                    line = frame["line"]
                    self.lines.append((line["seq"], line["from"], line["cid"], line["text"]))

        try:
            return await asyncio.wait_for(until(), timeout=timeout)
        except TimeoutError:
            pytest.fail(f"{self.name}: no {what} within {timeout}s; got {self.frames}\n{self.nodes.cluster.logs()}")

    async def line(self, seq: int) -> dict:
        return (await self.wait_for(lambda f: f.get("type") == "line" and f["line"]["seq"] == seq, f"line {seq}"))[
            "line"
        ]

    async def drain(self, quiet: float = 0.5) -> None:
        """Read whatever still arrives until the socket stays quiet (a duplicate would show up here)."""
        while True:
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=quiet))
            except TimeoutError:
                return
            self.frames.append(frame)
            if frame.get("type") == "line":
                line = frame["line"]
                self.lines.append((line["seq"], line["from"], line["cid"], line["text"]))


def is_type(kind: str, **fields):
    return lambda f: f.get("type") == kind and all(f.get(k) == v for k, v in fields.items())


def is_event(event: str, ticket: str | None = None):
    """A frame of /ws/agent/ ({"event": …}) or /ws/agent/chats/ ({"type": "event", "event": …})."""
    return lambda f: f.get("event") == event and (ticket is None or f.get("ticket") == ticket)


def origin(node: Proc) -> dict[str, str]:
    """The widget frame is served by the node itself: its socket's Origin is the node's."""
    return {"Origin": node.url}


async def _cross_node_chat(nodes: ChatNodes) -> None:
    from websockets.asyncio.client import connect

    a, b, key = nodes.node_a, nodes.node_b, nodes.button_key
    agent_headers = {"Cookie": f"sessionid={nodes.session_key}", "Origin": b.url}
    async with httpx.AsyncClient(base_url=b.url, cookies={"sessionid": nodes.session_key}, timeout=10) as console:
        # The agent opens the console on node B (which sets the CSRF cookie) and goes online for chat there.
        page = await console.get("/agent/chats/")
        assert page.status_code == 200, page.text[:500]
        csrf = {"X-CSRFToken": console.cookies["csrftoken"], "Origin": b.url}
        async with (
            connect(f"ws://127.0.0.1:{b.port}/ws/agent/", additional_headers=agent_headers) as workspace_ws,
            connect(f"ws://127.0.0.1:{b.port}/ws/agent/chats/", additional_headers=agent_headers) as chats_ws,
        ):
            workspace = Socket("agent /ws/agent/ on B", workspace_ws, nodes)
            agent = Socket("agent /ws/agent/chats/ on B", chats_ws, nodes)
            assert await workspace.wait_for(is_event("hello"), "hello") == {
                "event": "hello",
                "account": nodes.account_public_id,
            }
            assert await agent.wait_for(is_type("hello"), "hello") == {
                "type": "hello",
                "account": nodes.account_public_id,
            }
            online = await console.post("/agent/presence/", data={"channel": "chat", "state": "online"}, headers=csrf)
            assert online.status_code == 200, online.text[:500]

            # The visitor starts the chat through node A.
            started = await httpx.AsyncClient(base_url=a.url, timeout=10).post(
                f"/widget/{key}/chats/",
                json={"visitor": VISITOR, "name": "Nora Node", "email": "nora@example.com", "message": "Hello?"},
            )
            assert started.status_code == 201, started.text
            chat = started.json()["chat"]
            assert (chat["state"], chat["last_seq"]) == ("waiting", 1), chat
            chat_id = chat["chat"]

            # Routing ran on node A; the ring reaches the agent's sockets on node B through Redis.
            ring = await agent.wait_for(is_event("chat.ringing"), "the ring")
            ticket_id = ring["ticket"]
            assert (ring["type"], ring["status"]) == ("event", "chatting")
            assert "recipients" not in ring
            assert (await workspace.wait_for(is_event("chat.ringing", ticket_id), "the ring"))["ticket"] == ticket_id

            # The visitor's socket on node A.
            async with connect(f"ws://127.0.0.1:{a.port}/ws/visitor/{key}/", additional_headers=origin(a)) as ws:
                visitor = Socket("visitor on A", ws, nodes)
                await visitor.send(type="hello", visitor=VISITOR, last_seq=0)
                welcome = await visitor.wait_for(is_type("welcome"), "welcome")
                assert (welcome["chat"]["chat"], welcome["chat"]["state"]) == (chat_id, "waiting")
                assert (await visitor.line(1))["text"] == "Hello?"

                # Accept through node B's console: the incoming list names the chat, the accept assigns it.
                incoming = await console.get("/agent/chats/incoming/")
                assert incoming.status_code == 200
                assert re.findall(r'data-chat="([^"]+)"', incoming.text) == [chat_id]
                accepted = await console.post(f"/agent/chats/{chat_id}/accept/", headers=csrf)
                assert accepted.status_code == 200, accepted.text[:500]
                assert (accepted.json()["chat"]["state"], accepted.json()["chat"]["agent"]) == ("active", "owner")
                await agent.send(type="open", chat=chat_id, last_seq=0)
                state = await agent.wait_for(is_type("state"), "the chat's state")
                assert (state["state"]["state"], state["state"]["last_seq"]) == ("active", 1)
                assert (await agent.line(1))["text"] == "Hello?"
                # Accepting on node B reaches the visitor's socket on node A.
                await visitor.wait_for(lambda f: f.get("type") == "state" and f["state"]["state"] == "active", "state")

                # Ping-pong: each line crosses Redis, A → B then B → A.
                seq = 1
                for n in range(1, 4):
                    await visitor.send(type="message", cid=f"v-{n}", text=f"visitor {n}")
                    seq += 1
                    ack = await visitor.wait_for(is_type("ack", cid=f"v-{n}"), f"ack v-{n}")
                    assert ack["seq"] == seq
                    line = await agent.line(seq)
                    assert (line["from"], line["cid"], line["text"]) == ("visitor", f"v-{n}", f"visitor {n}")
                    await agent.send(type="message", chat=chat_id, cid=f"a-{n}", text=f"agent {n}")
                    seq += 1
                    assert (await agent.wait_for(is_type("ack", cid=f"a-{n}"), f"ack a-{n}"))["seq"] == seq
                    line = await visitor.line(seq)
                    assert (line["from"], line["author"], line["text"]) == ("agent", "owner", f"agent {n}")

                # Bursts: five visitor lines without waiting for acks, then five agent lines; each side sees them
                # in order.
                for n in range(1, 6):
                    await visitor.send(type="message", cid=f"vb-{n}", text=f"visitor burst {n}")
                for n in range(1, 6):
                    seq += 1
                    assert (await visitor.wait_for(is_type("ack", cid=f"vb-{n}"), f"ack vb-{n}"))["seq"] == seq
                await agent.line(seq)
                for n in range(1, 6):
                    await agent.send(type="message", chat=chat_id, cid=f"ab-{n}", text=f"agent burst {n}")
                seq += 5
                await visitor.line(seq)

                # The visitor sends one more line and the network drops before its ack is read: stored (the agent
                # sees it), but for the widget it is still unacknowledged.
                await visitor.send(type="message", cid="v-lost", text="did you get this?")
                seq += 1
                lost_seq = seq
                assert (await agent.line(lost_seq))["cid"] == "v-lost"
                seen_by_visitor = max(s for s, *_ in visitor.lines if s < lost_seq)
                visitor_lines_before = [line for line in visitor.lines if line[0] <= seen_by_visitor]

            assert (await agent.wait_for(is_type("presence"), "disconnected"))["visitor"] == "disconnected"
            # The agent writes while the visitor is away.
            await agent.send(type="message", chat=chat_id, cid="a-away", text="yes, still here")
            seq += 1
            assert (await agent.wait_for(is_type("ack", cid="a-away"), "ack a-away"))["seq"] == seq

            # The visitor comes back on node B, resends the unacknowledged line and sends one typed while offline.
            async with connect(f"ws://127.0.0.1:{b.port}/ws/visitor/{key}/", additional_headers=origin(b)) as ws:
                visitor = Socket("visitor on B", ws, nodes)
                await visitor.send(type="hello", visitor=VISITOR, last_seq=seen_by_visitor)
                welcome = await visitor.wait_for(is_type("welcome"), "welcome")
                assert (welcome["chat"]["state"], welcome["chat"]["last_seq"]) == ("active", seq)
                await visitor.line(seq)  # the replay: the lost line's echo and the agent's line
                assert (await agent.wait_for(is_type("presence"), "reconnected"))["visitor"] == "connected"
                await visitor.send(type="message", cid="v-lost", text="did you get this?")
                resent = await visitor.wait_for(is_type("ack", cid="v-lost"), "ack of the resend")
                assert resent["seq"] == lost_seq  # the same line, not a new one
                await visitor.send(type="message", cid="v-offline", text="typed while offline")
                seq += 1
                assert (await visitor.wait_for(is_type("ack", cid="v-offline"), "ack v-offline"))["seq"] == seq
                assert (await agent.line(seq))["text"] == "typed while offline"
                await visitor.line(seq)  # its echo through the group
                await agent.send(type="message", chat=chat_id, cid="a-last", text="got both")
                seq += 1
                await visitor.line(seq)
                await agent.line(seq)
                await visitor.drain()
                await agent.drain()
                visitor_lines = visitor_lines_before + visitor.lines

    expected = (
        [(1, "visitor", "prechat", "Hello?")]
        + [
            line
            for n in range(1, 4)
            for line in (
                (2 * n, "visitor", f"v-{n}", f"visitor {n}"),
                (2 * n + 1, "agent", f"a-{n}", f"agent {n}"),
            )
        ]
        + [(7 + n, "visitor", f"vb-{n}", f"visitor burst {n}") for n in range(1, 6)]
        + [(12 + n, "agent", f"ab-{n}", f"agent burst {n}") for n in range(1, 6)]
        + [
            (18, "visitor", "v-lost", "did you get this?"),
            (19, "agent", "a-away", "yes, still here"),
            (20, "visitor", "v-offline", "typed while offline"),
            (21, "agent", "a-last", "got both"),
        ]
    )
    assert seq == 21
    # Exactly once and in order, on both sides (the visitor: the socket on A, then the one on B).
    assert agent.lines == expected
    assert visitor_lines == expected

    # Stored once: one line and one message each, in order, in the shared database.
    import psycopg

    dsn = nodes.cluster.env["HELPLINE_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        stored = conn.execute(
            "SELECT l.seq, l.side, l.cid, m.body_text FROM chat_channel_chatline l"
            " JOIN chat_channel_chatsession s ON s.id = l.session_id"
            " JOIN conversations_message m ON m.id = l.message_id WHERE s.public_id = %s ORDER BY l.seq",
            [chat_id],
        ).fetchall()
        (messages,) = conn.execute(
            "SELECT count(*) FROM conversations_message m JOIN conversations_ticket t ON t.id = m.ticket_id"
            " WHERE t.public_id = %s",
            [ticket_id],
        ).fetchone()
    assert stored == expected
    assert messages == len(expected)


@needs_scale_out
def test_visitor_on_node_a_and_agent_on_node_b_exchange_every_line_exactly_once(chat_nodes: ChatNodes):
    started = time.monotonic()
    asyncio.run(_cross_node_chat(chat_nodes))
    for proc in (chat_nodes.node_a, chat_nodes.node_b, chat_nodes.worker):
        assert proc.popen.poll() is None, f"{proc.name} died\n{chat_nodes.cluster.logs()}"
    print(f"cross-node chat in {time.monotonic() - started:.1f}s")
