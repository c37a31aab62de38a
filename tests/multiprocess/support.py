"""Real `helpline` processes for the multiprocess tests: a cluster of `serve --no-worker` nodes and a worker
sharing a PostgreSQL database and a Redis db of their own (see conftest.py for the fixtures that make them)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("HELPLINE_DATABASE_URL", "")
REDIS_URL = os.environ.get("HELPLINE_REDIS_URL", "")
SCALE_OUT = DATABASE_URL.startswith("postgres") and bool(REDIS_URL)
needs_scale_out = pytest.mark.skipif(
    not SCALE_OUT,
    reason="needs HELPLINE_DATABASE_URL=postgres://… and HELPLINE_REDIS_URL (the PostgreSQL + Redis pass)",
)

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


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


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


def finish(popen: subprocess.Popen, timeout: float = 60) -> str:
    out, err = popen.communicate(timeout=timeout)
    assert popen.returncode == 0, f"{' '.join(map(str, popen.args))} failed ({popen.returncode}):\n{err}"
    return out


# --- one cluster: two web nodes and a worker -------------------------------------------------------------

DJANGO_SETUP = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
import django
django.setup()
"""

# Prints a signed-in session key of the user and the account's public id (the nodes share the secret key).
SESSION_SNIPPET = (
    DJANGO_SETUP
    + """
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
)


def cluster_env(workdir: Path, database_url: str, redis: tuple[str, str], **extra: str) -> dict[str, str]:
    import secrets

    redis_url, queue = redis
    return base_env(
        workdir / "data",
        HELPLINE_DATABASE_URL=database_url,
        HELPLINE_REDIS_URL=redis_url,
        HELPLINE_QUEUE_NAME=queue,
        HELPLINE_SECRET_KEY=secrets.token_urlsafe(50),  # every node must sign sessions alike
        **extra,
    )


@dataclass
class Nodes:
    node_a: Proc
    node_b: Proc
    worker: Proc
    outputs: dict[str, str]  # stdout of each set-up command, by name


def boot_nodes(cluster: Cluster, *, slug: str, name: str, owner_email: str, setup: dict[str, list[str]]) -> Nodes:
    """Migrate, create the account, then start node A, node B and the worker while the ``setup`` commands
    (name → argv) run; wait until both nodes answer /readyz with the database, task queue and channel layer ok."""
    started = time.monotonic()
    cluster.run("migrate")
    cluster.run("account", "create", "--slug", slug, "--name", name, "--owner-email", owner_email)
    # The rest is independent: start the nodes while the set-up commands run.
    node_a, node_b = cluster.serve("node-a"), cluster.serve("node-b")
    worker = cluster.worker("worker")
    running = {key: cluster.spawn(*argv) for key, argv in setup.items()}
    outputs = {key: finish(popen) for key, popen in running.items()}
    ready_a, ready_b = wait_ready(node_a, cluster), wait_ready(node_b, cluster)
    wait_for_line(worker, "Helpline worker")
    for ready in (ready_a, ready_b):  # Redis reached through the channel layer and the task queue
        assert ready["status"] == "ok", ready
        assert {ready["checks"][check] for check in ("database", "task_queue", "channel_layer")} == {"ok"}
    print(f"cluster ready in {time.monotonic() - started:.1f}s")
    return Nodes(node_a, node_b, worker, outputs)
