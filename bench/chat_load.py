"""Live chat load: N idle visitor websockets and M agents against `helpline serve` (one node, or two through Redis).

The scale-out shape: PostgreSQL (a database of its own, created and dropped here) and Redis (a db number of its
own). With ``--nodes 1`` one ``helpline serve`` (task consumer inside) holds every socket; with ``--nodes 2`` two
``helpline serve --no-worker`` and a ``helpline worker`` run, visitors on node A and agents on node B, so every line
crosses Redis. Measured:

- connections held: N visitor sockets opened (``hello`` with their own visitor id, answered ``welcome``), all still
  open at the end; a process of their own holds them (``--hold-idle``), so the one measuring latency does not
  also answer the keepalive pings of thousands of idle sockets;
- server RSS per idle connection: VmRSS of the node holding the visitors (/proc/PID/status) before and after
  opening them, divided by N;
- latency visitor → agent: a visitor sends ``message`` in one of C running chats (accepted by the M agents) at
  ``--rate`` messages per second in all; the time until the agent's socket shows the line, p50 / p99;
- deliveries per second: lines the agents received per second of the run.

Everything runs on 127.0.0.1 and stops by itself (every loop is bounded by a count or a deadline).

    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres HELPLINE_REDIS_URL=redis://127.0.0.1:6379/8 \\
      .venv/bin/python bench/chat_load.py --visitors 1000 --agents 10 --nodes 1 --json /tmp/chat-1.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[1]
SLUG = "chatload"

SETUP = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from helpline.channels.chat.actions import create_chat_button
from helpline.routing.actions import set_presence
from helpline.tenancy.actions import add_member
from helpline.tenancy.models import Account, User
account = Account.objects.get(slug={slug!r})
button = create_chat_button(account=account, name="Load")
sessions = []
for n in range({agents}):
    user = User.objects.create_user(f"agent{{n}}@chatload.test", "correct-horse-battery", name=f"Agent {{n}}")
    add_member(account=account, user=user, role="agent")
    set_presence(account=account, user=user, channel="chat", state="online")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["account"] = account.public_id
    session.create()
    sessions.append(session.session_key)
print(json.dumps({{"key": button.key, "sessions": sessions}}))
"""


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_nofile(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))  # children (the servers) inherit it
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Cluster:
    def __init__(self, env: dict[str, str], workdir: Path):
        self.env, self.workdir, self.procs, self.named = env, workdir, [], {}

    def helpline(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "helpline.config.cli", *args], env=self.env, cwd=PROJECT_DIR, capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"helpline {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        popen = subprocess.Popen(
            [sys.executable, "-m", "helpline.config.cli", *args], env=self.env, cwd=PROJECT_DIR, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.procs.append(popen)
        self.named[name] = popen
        return popen

    def stop(self) -> None:
        for popen in self.procs:
            if popen.poll() is None:
                popen.send_signal(signal.SIGTERM)
        for popen in self.procs:
            try:
                popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait(timeout=5)


def wait_ready(port: int, popen: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise SystemExit(f"the server on {port} exited with {popen.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server on {port} was not ready after {timeout}s")


def csrf_token() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


async def open_visitors(port: int, key: str, count: int, concurrency: int, timeout: float) -> tuple[list, int]:
    """Open ``count`` visitor sockets, each saying hello with its own visitor id; returns (sockets, failures)."""
    from websockets.asyncio.client import connect

    sockets, failures = [], 0
    gate = asyncio.Semaphore(concurrency)
    headers = {"Origin": f"http://127.0.0.1:{port}"}

    async def one(n: int):
        nonlocal failures
        async with gate:
            try:
                ws = await connect(
                    f"ws://127.0.0.1:{port}/ws/visitor/{key}/", additional_headers=headers, open_timeout=timeout,
                    ping_interval=None, max_queue=4, compression=None,
                )  # fmt: skip
                await ws.send(json.dumps({"type": "hello", "visitor": f"idle-visitor-{n:012d}", "last_seq": 0}))
                welcome = json.loads(await asyncio.wait_for(ws.recv(), timeout))
                if welcome.get("type") != "welcome":
                    raise RuntimeError(welcome)
                sockets.append(ws)
            except (OSError, RuntimeError, TimeoutError, Exception):  # noqa: BLE001 - counted, reported
                failures += 1

    await asyncio.gather(*(one(n) for n in range(count)))
    return sockets, failures


class IdleVisitors:
    """The idle visitor sockets, opened and held by a process of their own (``--hold-idle``): the process that
    measures latency then reads its agents' sockets on an event loop that is not also answering the server's
    keepalive pings of thousands of idle sockets."""

    def __init__(self, port: int, key: str, count: int, concurrency: int, timeout: float):
        self.spec = {"port": port, "key": key, "count": count, "concurrency": concurrency, "timeout": timeout}
        self.process: asyncio.subprocess.Process | None = None

    async def _ask(self, command: str | None = None) -> dict:
        if command:
            self.process.stdin.write(f"{command}\n".encode())
            await self.process.stdin.drain()
        return json.loads(await self.process.stdout.readline())

    async def open(self) -> dict:
        """{"opened": n, "failures": n} once every socket was tried."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--hold-idle", json.dumps(self.spec),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        return await self._ask()

    async def held(self) -> int:
        return (await self._ask("held"))["held"]

    async def close(self) -> None:
        self.process.stdin.write(b"close\n")
        await self.process.stdin.drain()
        await self.process.wait()


async def hold_idle(spec: dict) -> None:
    """The ``--hold-idle`` process: open the sockets, say how it went, then answer "held" until "close"."""
    sockets, failures = await open_visitors(
        spec["port"], spec["key"], spec["count"], spec["concurrency"], spec["timeout"]
    )
    print(json.dumps({"opened": len(sockets), "failures": failures}), flush=True)
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    while (line := (await commands.readline()).decode().strip()) not in ("close", ""):
        if line == "held":
            print(json.dumps({"held": sum(1 for ws in sockets if ws.state.name == "OPEN")}), flush=True)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def start_chats(visitor_port, agent_port, key, sessions, chats):
    """C running chats: started through the widget endpoint, each accepted by agent n % M through the console."""
    import httpx

    running = []  # (chat id, visitor id, agent index)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{visitor_port}", timeout=20) as widget:
        consoles = []
        for session in sessions:
            token = csrf_token()
            consoles.append(
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{agent_port}",
                    timeout=20,
                    cookies={"sessionid": session, "csrftoken": token},
                    headers={"X-CSRFToken": token, "Origin": f"http://127.0.0.1:{agent_port}"},
                )  # fmt: skip
            )
        try:
            for n in range(chats):
                visitor = f"busy-visitor-{n:012d}"
                started = await widget.post(f"/widget/{key}/chats/", json={"visitor": visitor, "name": f"Busy {n}"})
                if started.status_code != 201:
                    raise SystemExit(f"starting chat {n}: {started.status_code} {started.text[:300]}")
                chat = started.json()["chat"]["chat"]
                for attempt in range(len(sessions)):
                    agent = (n + attempt) % len(sessions)
                    accepted = await consoles[agent].post(f"/agent/chats/{chat}/accept/")
                    if accepted.status_code == 200:
                        running.append((chat, visitor, agent))
                        break
                else:
                    raise SystemExit(f"nobody could accept chat {n}: {accepted.status_code} {accepted.text[:300]}")
        finally:
            for console in consoles:
                await console.aclose()
    return running


async def load(args, visitor_port, agent_port, key, sessions, running) -> dict:
    from websockets.asyncio.client import connect

    sent: dict[str, float] = {}
    latencies: list[float] = []
    by_second: dict[int, list[float]] = {}  # second of the run the line was sent in → its latencies
    began = time.monotonic()
    received = 0
    agent_sockets, visitor_sockets = [], []
    for n, session in enumerate(sessions):
        ws = await connect(
            f"ws://127.0.0.1:{agent_port}/ws/agent/chats/",
            additional_headers={"Cookie": f"sessionid={session}", "Origin": f"http://127.0.0.1:{agent_port}"},
            ping_interval=None, compression=None, max_queue=None,
        )  # fmt: skip
        await ws.recv()  # hello
        for chat, _visitor, agent in running:
            if agent == n:
                await ws.send(json.dumps({"type": "open", "chat": chat, "last_seq": 10**9}))
        agent_sockets.append(ws)
    for _chat, visitor, _agent in running:
        ws = await connect(
            f"ws://127.0.0.1:{visitor_port}/ws/visitor/{key}/",
            additional_headers={"Origin": f"http://127.0.0.1:{visitor_port}"}, ping_interval=None, compression=None,
            max_queue=None,
        )  # fmt: skip
        await ws.send(json.dumps({"type": "hello", "visitor": visitor, "last_seq": 10**9}))
        visitor_sockets.append(ws)
    await asyncio.sleep(1)  # let the opens and hellos settle

    stop_at = None

    async def agent_reader(ws):
        nonlocal received
        while stop_at is None or time.monotonic() < stop_at:
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 1))
            except TimeoutError:
                continue
            if frame.get("type") == "line" and frame["line"]["from"] == "visitor":
                started = sent.pop(frame["line"]["cid"], None)
                if started is not None:
                    latencies.append((time.monotonic() - started) * 1000)
                    by_second.setdefault(int(started - began), []).append(latencies[-1])
                    received += 1

    async def visitor_drain(ws):  # acks and echoes: read them so nothing piles up
        while stop_at is None or time.monotonic() < stop_at:
            try:
                await asyncio.wait_for(ws.recv(), 1)
            except TimeoutError:
                continue

    readers = [asyncio.create_task(agent_reader(ws)) for ws in agent_sockets]
    readers += [asyncio.create_task(visitor_drain(ws)) for ws in visitor_sockets]
    total = int(args.rate * args.duration)
    interval = 1 / args.rate
    began = time.monotonic()
    for n in range(total):
        due = began + n * interval
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        cid = f"m{n}"
        sent[cid] = time.monotonic()
        await visitor_sockets[n % len(visitor_sockets)].send(json.dumps({"type": "message", "cid": cid, "text": cid}))
    send_seconds = time.monotonic() - began
    drain_deadline = time.monotonic() + args.drain
    while sent and time.monotonic() < drain_deadline:
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - began
    stop_at = time.monotonic()
    await asyncio.gather(*readers)
    for ws in agent_sockets + visitor_sockets:
        await ws.close()
    return {
        "messages_sent": total,
        "messages_delivered": received,
        "messages_lost_or_late": len(sent),
        "send_seconds": round(send_seconds, 2),
        "offered_rate": round(total / send_seconds, 1),
        "deliveries_per_second": round(received / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p90": round(percentile(latencies, 90), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies), 1) if latencies else None,
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
        },
        "latency_by_second_ms": [  # [second of sending, lines, p50, p99]: a slow start or a pause shows here
            [second, len(found), round(percentile(found, 50), 1), round(percentile(found, 99), 1)]
            for second, found in sorted(by_second.items())
        ],
    }


async def measure(args, cluster: Cluster, nodes: list[tuple[int, subprocess.Popen]], key, sessions) -> dict:
    visitor_port, visitor_pid = nodes[0][0], nodes[0][1].pid
    agent_port = nodes[-1][0]
    running = await start_chats(visitor_port, agent_port, key, sessions, args.chats)
    await asyncio.sleep(2)
    before = rss_kib(visitor_pid)
    opened = time.monotonic()
    idle = IdleVisitors(visitor_port, key, args.visitors, args.concurrency, args.open_timeout)
    tried = await idle.open()
    open_seconds = time.monotonic() - opened
    await asyncio.sleep(3)  # let the server settle (buffers freed, threads idle)
    after = rss_kib(visitor_pid)
    opened_count = tried["opened"]
    result = {
        "visitors_requested": args.visitors,
        "connections_held": await idle.held(),
        "connection_failures": tried["failures"],
        "open_seconds": round(open_seconds, 1),
        "connections_per_second": round(opened_count / open_seconds, 1) if open_seconds else None,
        "server_rss_before_kib": before,
        "server_rss_after_kib": after,
        "rss_per_connection_kib": round((after - before) / opened_count, 1) if opened_count else None,
        "running_chats": len(running),
    }
    pids = {name: popen.pid for name, popen in cluster.named.items()}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    load_before = os.getloadavg()[0]
    result["load"] = await load(args, visitor_port, agent_port, key, sessions, running)
    delivered = max(1, result["load"]["messages_delivered"])
    result["load"]["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result["load"]["cpu_ms_per_message"] = {  # the whole run's CPU of each process (sending + draining), per line
        name: round(1000 * (cpu_seconds(pid) - cpu_before[name]) / delivered, 2) for name, pid in pids.items()
    }
    result["connections_held_after_load"] = await idle.held()
    result["server_rss_after_load_kib"] = rss_kib(visitor_pid)
    await idle.close()
    return result


def main() -> None:
    if sys.argv[1:2] == ["--hold-idle"]:
        asyncio.run(hold_idle(json.loads(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=2000, help="idle visitor sockets (default 2000)")
    parser.add_argument("--agents", type=int, default=10, help="agents, each with one console socket (default 10)")
    parser.add_argument("--chats", type=int, default=0, help="running chats (default: 2 per agent, at most 3)")
    parser.add_argument("--rate", type=float, default=200.0, help="visitor messages per second in all (default 200)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending (default 10)")
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for the last lines (default 10)")
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--concurrency", type=int, default=100, help="sockets being opened at once (default 100)")
    parser.add_argument("--open-timeout", type=float, default=30.0)
    parser.add_argument("--database-name", default="helpline_bench_chat", help="created and dropped by the bench")
    parser.add_argument("--redis-db", type=int, default=8)
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args()
    args.chats = args.chats or 2 * args.agents
    if not 1 <= args.chats <= 3 * args.agents:
        parser.error("--chats must be between 1 and 3 per agent (the default chat limit)")

    database_url = os.environ.get("HELPLINE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("HELPLINE_REDIS_URL", "redis://127.0.0.1:6379/8")
    for url in (database_url, redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"only 127.0.0.1 is used: {url}")
    if not database_url.startswith("postgres"):
        raise SystemExit("HELPLINE_DATABASE_URL must be postgres://… (the scale-out shape)")
    nofile = raise_nofile(args.visitors + 2 * args.chats + args.agents + 1000)
    if nofile < args.visitors + 500:
        raise SystemExit(f"open files limit {nofile} is too low for {args.visitors} sockets")

    import psycopg
    import redis

    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    database = urlunsplit(urlsplit(database_url)._replace(path=f"/{args.database_name}"))
    redis_url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{args.redis_db}"))
    queue = f"helplinechatload{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database_name}"')
    workdir = Path(tempfile.mkdtemp(prefix="helpline-chat-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        HELPLINE_DATA_DIR=str(workdir / "data"), HELPLINE_DATABASE_URL=database, HELPLINE_REDIS_URL=redis_url,
        HELPLINE_QUEUE_NAME=queue, HELPLINE_SECRET_KEY=secrets.token_urlsafe(50), PYTHONUNBUFFERED="1",
        HELPLINE_WIDGET_RATE_LIMITS="0",  # every simulated visitor comes from 127.0.0.1: the per-IP limit would bite
    )  # fmt: skip
    cluster = Cluster(env, workdir)
    try:
        cluster.helpline("migrate")
        cluster.helpline("account", "create", "--slug", SLUG, "--name", "Chat Load", "--owner-email",
                         "owner@chatload.test", "--plan", "enterprise")  # fmt: skip
        setup = subprocess.run(
            [sys.executable, "-c", SETUP.format(slug=SLUG, agents=args.agents)], env=env, cwd=PROJECT_DIR,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if setup.returncode != 0:
            raise SystemExit(f"set-up failed:\n{setup.stderr}")
        made = json.loads(setup.stdout.strip().splitlines()[-1])
        nodes = []
        for name in ("node-a", "node-b")[: args.nodes]:
            port = free_port()
            extra = ["--no-worker"] if args.nodes == 2 else []
            popen = cluster.start(name, "serve", *extra, "--no-migrate", "--host", "127.0.0.1", "--port", str(port))
            nodes.append((port, popen))
        if args.nodes == 2:
            cluster.start("worker", "worker", "--workers", "2")
        for port, popen in nodes:
            wait_ready(port, popen)
        result = {
            "nodes": args.nodes,
            "agents": args.agents,
            "rate": args.rate,
            "duration": args.duration,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "open_files_limit": nofile,
            **asyncio.run(measure(args, cluster, nodes, made["key"], made["sessions"])),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        cluster.stop()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database_name}" WITH (FORCE)')
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
