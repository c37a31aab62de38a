"""The scale-out shape, for real: separate `helpline` processes sharing PostgreSQL and Redis.

Two `helpline serve --no-worker` nodes (A and B) and one `helpline worker` run against a database of
their own (``helpline_scaleout_<random>``, created here and dropped afterwards) and a Redis db number and
queue name of their own, so nothing collides with pytest-django's test database. A reply posted through
node A's API reaches an agent websocket held by node B, and only the worker process sends it.

The PostgreSQL + Redis test runs when HELPLINE_DATABASE_URL is postgres://… and HELPLINE_REDIS_URL is set;
the start-up failure test runs in both passes.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from .support import (
    PROJECT_DIR,
    SESSION_SNIPPET,
    Cluster,
    Proc,
    base_env,
    boot_nodes,
    cluster_env,
    free_port,
    helpline_command,
    needs_scale_out,
)

pytestmark = pytest.mark.multiprocess

SLUG = "scaleout"
OWNER_EMAIL = "owner@scaleout.test"


@dataclass
class ScaleOut:
    cluster: Cluster
    node_a: Proc
    node_b: Proc
    worker: Proc
    api_key: str
    account_public_id: str
    session_key: str


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory, scaleout_database, scaleout_redis) -> Iterator[ScaleOut]:
    workdir = tmp_path_factory.mktemp("scaleout")
    cluster = Cluster(env=cluster_env(workdir, scaleout_database, scaleout_redis), workdir=workdir)
    try:
        nodes = boot_nodes(
            cluster,
            slug=SLUG,
            name="Scale Out",
            owner_email=OWNER_EMAIL,
            setup={
                "key": [*helpline_command(), "apikey", "create", "--account", SLUG],
                "session": [sys.executable, "-c", SESSION_SNIPPET.format(slug=SLUG, email=OWNER_EMAIL)],
            },
        )
        api_key = nodes.outputs["key"].strip()
        assert api_key and "\n" not in api_key
        session_key, account_public_id = nodes.outputs["session"].split()
        yield ScaleOut(cluster, nodes.node_a, nodes.node_b, nodes.worker, api_key, account_public_id, session_key)
    finally:
        cluster.stop_all()


# --- the scale-out test ---------------------------------------------------------------------------------


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().rstrip("\0").split("\0")


def _auth(so: ScaleOut) -> dict[str, str]:
    return {"Authorization": f"Bearer {so.api_key}"}


async def _delivery_status(api: httpx.AsyncClient, ticket_id: str, message_id: str) -> str:
    response = await api.get(f"/api/v1/tickets/{ticket_id}/messages")
    assert response.status_code == 200, response.text
    (message,) = [m for m in response.json()["items"] if m["id"] == message_id]
    return message["delivery_status"]


class Frames:
    """Everything an agent socket receives, kept so a failure shows what did arrive."""

    def __init__(self, socket, so: ScaleOut):
        self.socket, self.so, self.seen = socket, so, []

    async def wait_for(self, event: str, ticket_id: str, timeout: float) -> dict:
        for frame in self.seen:
            if frame.get("event") == event and frame.get("ticket") == ticket_id:
                return frame

        async def until():
            while True:
                frame = json.loads(await self.socket.recv())
                self.seen.append(frame)
                if frame.get("event") == event and frame.get("ticket") == ticket_id:
                    return frame

        try:
            return await asyncio.wait_for(until(), timeout=timeout)
        except TimeoutError:
            pytest.fail(f"no {event} for {ticket_id} within {timeout}s; got {self.seen}\n{self.so.cluster.logs()}")


async def _scale_out_flow(so: ScaleOut) -> None:
    from websockets.asyncio.client import connect

    async with (
        httpx.AsyncClient(base_url=so.node_a.url, headers=_auth(so), timeout=10) as api_a,
        httpx.AsyncClient(base_url=so.node_b.url, headers=_auth(so), timeout=10) as api_b,
    ):
        created = await api_a.post(
            "/api/v1/tickets",
            json={
                "subject": "Scale-out printer",
                "contact": {"email": "carla@example.com", "name": "Carla Customer"},
                "message": {"body": "The printer in hall B is on fire."},
            },
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]

        # Stop the only task consumer: the web nodes run none (--no-worker), so nothing can send the reply.
        assert so.worker.stop() is not None

        headers = {"Cookie": f"sessionid={so.session_key}", "Origin": so.node_b.url}
        uri = f"ws://127.0.0.1:{so.node_b.port}/ws/agent/"
        async with connect(uri, additional_headers=headers, open_timeout=10) as socket_b:
            hello = json.loads(await asyncio.wait_for(socket_b.recv(), timeout=5))
            assert hello == {"event": "hello", "account": so.account_public_id}
            frames = Frames(socket_b, so)

            posted = await api_a.post(
                f"/api/v1/tickets/{ticket_id}/messages",
                json={"kind": "reply", "body": "Fixed it, try again."},
            )
            assert posted.status_code == 201, posted.text
            reply = posted.json()
            assert (reply["direction"], reply["delivery_status"]) == ("out", "queued")

            # Caused on node A, pushed to the socket held by node B (through Redis).
            queued = await frames.wait_for("reply.queued", ticket_id, timeout=5)
            assert queued == {"event": "reply.queued", "ticket": ticket_id, "status": "answered"}

            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                assert await _delivery_status(api_a, ticket_id, reply["id"]) == "queued"
                await asyncio.sleep(0.25)

            so.worker = so.cluster.worker("worker-2")
            deadline, status = time.monotonic() + 10, "queued"
            while status != "sent" and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                status = await _delivery_status(api_a, ticket_id, reply["id"])
            assert status == "sent", f"delivery_status stayed {status!r}\n{so.cluster.logs()}"

            # The worker process's event reaches node B's socket as well.
            delivered = await frames.wait_for("message.delivery_changed", ticket_id, timeout=5)
            assert delivered == {
                "event": "message.delivery_changed",
                "ticket": ticket_id,
                "status": "answered",
            }

        # Node B reads the same rows from the shared database.
        assert await _delivery_status(api_b, ticket_id, reply["id"]) == "sent"
        listed = await api_b.get("/api/v1/tickets", params={"status": "answered"})
        assert listed.status_code == 200, listed.text
        assert [t["id"] for t in listed.json()["items"]] == [ticket_id]


@needs_scale_out
def test_event_on_node_a_reaches_socket_on_node_b_and_only_the_worker_sends(scale_out: ScaleOut):
    so = scale_out
    for node in (so.node_a, so.node_b):
        assert _cmdline(node.popen.pid)[-7:] == [
            "serve",
            "--no-worker",
            "--no-migrate",
            "--host",
            "127.0.0.1",
            "--port",
            str(node.port),
        ]
    assert _cmdline(so.worker.popen.pid)[-3:] == ["worker", "--workers", "2"]

    asyncio.run(_scale_out_flow(so))

    for proc in (so.node_a, so.node_b, so.worker):
        assert proc.popen.poll() is None, f"{proc.name} died\n{so.cluster.logs()}"


def _subscriptions(redis_url: str) -> int:
    """Pub/sub subscriptions held by the clients of our dedicated Redis db (the nodes' channel layers)."""
    import redis

    db = int(urlsplit(redis_url).path.strip("/") or 0)
    return sum(int(c["sub"]) for c in redis.Redis.from_url(redis_url).client_list() if int(c["db"]) == db)


@needs_scale_out
def test_readyz_leaves_no_redis_subscription_behind(scale_out: ScaleOut):
    so = scale_out
    redis_url = so.cluster.env["HELPLINE_REDIS_URL"]
    httpx.get(f"{so.node_a.url}/readyz", timeout=10)
    before = _subscriptions(redis_url)
    for _ in range(20):
        assert httpx.get(f"{so.node_a.url}/readyz", timeout=10).status_code == 200
    assert _subscriptions(redis_url) - before <= 1


# --- start-up failures: one line, exit 2 (both passes) -----------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"HELPLINE_DATABASE_URL": "postgres://postgres@127.0.0.1:1/nope"},
            "helpline: cannot connect to the database at 127.0.0.1:1/nope: ",
        ),
        (
            {"HELPLINE_REDIS_URL": "redis://127.0.0.1:1/0"},
            "helpline: cannot reach Redis at redis://127.0.0.1:1/0: ",
        ),
        (
            {"HELPLINE_REDIS_URL": "redis://:s3cret@127.0.0.1:1/0"},
            "helpline: cannot reach Redis at redis://:***@127.0.0.1:1/0: ",
        ),
        (
            {"HELPLINE_DATABASE_URL": "mysql://root@127.0.0.1/helpline"},
            "helpline: HELPLINE_DATABASE_URL scheme 'mysql' is not supported",
        ),
    ],
    ids=["database-unreachable", "redis-unreachable", "redis-password-redacted", "database-scheme"],
)
def test_serve_with_unreachable_service_exits_2_with_one_line(tmp_path, overrides, expected):
    env = base_env(tmp_path / "data", **overrides)
    port = free_port()
    done = subprocess.run(
        [*helpline_command(), "serve", "--no-worker", "--port", str(port)],
        env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr
    # Nothing listens: the server never started.
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
