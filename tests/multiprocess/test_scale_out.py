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
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

pytestmark = pytest.mark.multiprocess

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("HELPLINE_DATABASE_URL", "")
REDIS_URL = os.environ.get("HELPLINE_REDIS_URL", "")
SCALE_OUT = DATABASE_URL.startswith("postgres") and bool(REDIS_URL)
needs_scale_out = pytest.mark.skipif(
    not SCALE_OUT,
    reason="needs HELPLINE_DATABASE_URL=postgres://… and HELPLINE_REDIS_URL (the PostgreSQL + Redis pass)",
)

SLUG = "scaleout"
OWNER_EMAIL = "owner@scaleout.test"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def helpline_command() -> list[str]:
    script = Path(sys.executable).with_name("helpline")
    if script.exists():
        return [str(script)]
    found = shutil.which("helpline")
    return [found] if found else [sys.executable, "-m", "helpline.config.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A clean environment for a child process: no inherited HELPLINE_* except what we set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(HELPLINE_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **overrides)
    return env


# --- processes -----------------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    args: list[str]
    popen: subprocess.Popen
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> int | None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=STOP_TIMEOUT)
        return self.popen.returncode


@dataclass
class Cluster:
    env: dict[str, str]
    workdir: Path
    procs: list[Proc] = field(default_factory=list)

    def start(self, name: str, *args: str, port: int | None = None) -> Proc:
        log = self.workdir / f"{name}.log"
        argv = [*helpline_command(), *args]
        handle = log.open("ab")
        popen = subprocess.Popen(argv, env=self.env, cwd=PROJECT_DIR, stdout=handle, stderr=subprocess.STDOUT)
        handle.close()
        proc = Proc(name=name, args=argv, popen=popen, log=log, port=port)
        self.procs.append(proc)
        return proc

    def serve(self, name: str) -> Proc:
        port = free_port()
        # `helpline migrate` ran first, so the nodes skip the start-up migration check (it only costs time).
        args = ["serve", "--no-worker", "--no-migrate", "--host", "127.0.0.1", "--port", str(port)]
        return self.start(name, *args, port=port)

    def worker(self, name: str) -> Proc:
        return self.start(name, "worker", "--workers", "2")

    def spawn(self, *argv: str) -> subprocess.Popen:
        return subprocess.Popen(
            argv, env=self.env, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def run(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            [*helpline_command(), *args], env=self.env, cwd=PROJECT_DIR, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        assert done.returncode == 0, f"helpline {' '.join(args)} failed ({done.returncode}):\n{done.stderr}"
        return done.stdout

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} (exit {p.popen.poll()}) ---\n{p.output()[-3000:]}" for p in self.procs)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.popen.poll() is None:
                proc.popen.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.stop()


def wait_ready(proc: Proc, cluster: Cluster, timeout: float = START_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(f"{proc.name} exited with {proc.popen.returncode} before it was ready\n{cluster.logs()}")
        try:
            response = httpx.get(f"{proc.url}/readyz", timeout=2)
            if response.status_code == 200:
                return response.json()
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    pytest.fail(f"{proc.name} not ready after {timeout}s: {last}\n{cluster.logs()}")


def wait_for_line(proc: Proc, text: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in proc.output():
            return
        if proc.popen.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"{proc.name} did not print {text!r} (exit {proc.popen.poll()}):\n{proc.output()[-3000:]}")


# --- dedicated PostgreSQL database and Redis db --------------------------------------------------------


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@pytest.fixture(scope="module")
def scaleout_database() -> Iterator[str]:
    import psycopg

    name = f"helpline_scaleout_{secrets.token_hex(4)}"
    admin_url = _with_path(DATABASE_URL.replace("postgresql://", "postgres://", 1), "/postgres")
    admin_dsn = admin_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_path(admin_url, f"/{name}")
    finally:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def scaleout_redis() -> Iterator[tuple[str, str]]:
    """(redis url, queue name): a db number other than the suite's and a queue name of our own."""
    import redis

    parts = urlsplit(REDIS_URL)
    suite_db = int(parts.path.strip("/") or 0)
    db = 14 if suite_db != 14 else 15
    url = urlunsplit(parts._replace(path=f"/{db}"))
    queue = f"helplinescaleout{secrets.token_hex(4)}"  # letters and digits only: Huey's Redis keys use it as is
    yield url, queue
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)


@dataclass
class ScaleOut:
    cluster: Cluster
    node_a: Proc
    node_b: Proc
    worker: Proc
    api_key: str
    account_public_id: str
    session_key: str


SESSION_SNIPPET = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from helpline.tenancy.models import Account, User
account = Account.objects.get(slug={slug!r})
user = User.objects.get(email={email!r})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session["account"] = account.public_id
session.create()
print(session.session_key, account.public_id)
"""


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory, scaleout_database, scaleout_redis) -> Iterator[ScaleOut]:
    redis_url, queue = scaleout_redis
    workdir = tmp_path_factory.mktemp("scaleout")
    env = base_env(
        workdir / "data",
        HELPLINE_DATABASE_URL=scaleout_database,
        HELPLINE_REDIS_URL=redis_url,
        HELPLINE_QUEUE_NAME=queue,
        HELPLINE_SECRET_KEY=secrets.token_urlsafe(50),  # every node must sign sessions alike
    )
    cluster = Cluster(env=env, workdir=workdir)
    started = time.monotonic()
    try:
        cluster.run("migrate")
        cluster.run("account", "create", "--slug", SLUG, "--name", "Scale Out", "--owner-email", OWNER_EMAIL)
        # The rest is independent: start the nodes while the key and the agent's session are made.
        node_a, node_b = cluster.serve("node-a"), cluster.serve("node-b")
        worker = cluster.worker("worker")
        key = cluster.spawn(*helpline_command(), "apikey", "create", "--account", SLUG)
        session = cluster.spawn(sys.executable, "-c", SESSION_SNIPPET.format(slug=SLUG, email=OWNER_EMAIL))
        api_key = finish(key).strip()
        assert api_key and "\n" not in api_key
        session_key, account_public_id = finish(session).split()
        ready_a, ready_b = wait_ready(node_a, cluster), wait_ready(node_b, cluster)
        wait_for_line(worker, "Helpline worker")
        for ready in (ready_a, ready_b):  # Redis reached through the channel layer and the task queue
            assert ready["status"] == "ok", ready
            assert {ready["checks"][name] for name in ("database", "task_queue", "channel_layer")} == {"ok"}
        print(f"scale-out cluster ready in {time.monotonic() - started:.1f}s")
        yield ScaleOut(cluster, node_a, node_b, worker, api_key, account_public_id, session_key)
    finally:
        cluster.stop_all()


def finish(popen: subprocess.Popen, timeout: float = 60) -> str:
    out, err = popen.communicate(timeout=timeout)
    assert popen.returncode == 0, f"{' '.join(map(str, popen.args))} failed ({popen.returncode}):\n{err}"
    return out


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
