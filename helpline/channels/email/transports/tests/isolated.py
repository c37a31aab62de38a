"""A database and data dir of their own for tests that run ``helpline`` (or Python) in subprocesses.

SQLite pass: a data dir under pytest's tmp dir. PostgreSQL pass (HELPLINE_DATABASE_URL=postgres://…): a
database ``helpline_mailtest_<random>`` on the same server, created here and dropped afterwards — never
pytest-django's test database, whose rows are rolled back and invisible to other processes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[5]
DATABASE_URL = os.environ.get("HELPLINE_DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")


def helpline_command() -> list[str]:
    script = Path(sys.executable).with_name("helpline")
    if script.exists():
        return [str(script)]
    found = shutil.which("helpline")
    return [found] if found else [sys.executable, "-m", "helpline.config.cli"]


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def _admin_dsn() -> str:
    return _with_path(DATABASE_URL, "/postgres").replace("postgres://", "postgresql://", 1)


def create_database() -> str:
    import psycopg

    name = f"helpline_mailtest_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_path(DATABASE_URL, f"/{name}")


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.strip("/")
    with psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Isolated:
    env: dict[str, str]
    root: Path

    def helpline(self, *args: str, stdin: bytes = b"", env: dict | None = None, timeout: float = 60):
        return subprocess.run(
            [*helpline_command(), *args],
            input=stdin,
            env={**self.env, **(env or {})},
            cwd=PROJECT_DIR,
            capture_output=True,
            timeout=timeout,
        )

    def spawn(self, *argv: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.Popen:
        """Started and given its (small: under a pipe buffer) input at once; collect with ``communicate()``."""
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**self.env, **(env or {})},
            cwd=PROJECT_DIR,
        )
        if stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
            process.stdin = None  # communicate() must not flush it again
        return process

    def script(self, *args: str, env: dict | None = None, timeout: float = 60) -> dict:
        """Run ``tests/runner.py`` with arguments; its stdout is one JSON document."""
        done = subprocess.run(
            [sys.executable, "-m", "helpline.channels.email.transports.tests.runner", *args],
            env={**self.env, **(env or {})},
            cwd=PROJECT_DIR,
            capture_output=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"runner {args} exited {done.returncode}:\n{done.stderr.decode()[-3000:]}"
        return json.loads(done.stdout)


def count_inbound_messages(isolated: Isolated, slug: str) -> int:
    """Straight SQL (no Django in this process for that database): inbound messages of an account."""
    sql = (
        "SELECT COUNT(*) FROM conversations_message m JOIN tenancy_account a ON a.id = m.account_id "
        "WHERE a.slug = %s AND m.direction = 'in'"
    )
    url = isolated.env.get("HELPLINE_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            return conn.execute(sql, [slug]).fetchone()[0]
    import sqlite3

    with sqlite3.connect(isolated.root / "data" / "helpline.sqlite3", timeout=20) as conn:
        return conn.execute(sql.replace("%s", "?"), [slug]).fetchone()[0]


def make_isolated(root: Path) -> Isolated:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        HELPLINE_DATA_DIR=str(root / "data"),
        HELPLINE_SECRET_KEY=secrets.token_urlsafe(40),
        HELPLINE_TASKS_IMMEDIATE="1",  # tasks inline and Huey's storage in memory, as in the tests themselves
        HELPLINE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if ON_POSTGRES:
        env["HELPLINE_DATABASE_URL"] = create_database()
    isolated = Isolated(env=env, root=root)
    done = isolated.helpline("migrate", timeout=180)
    assert done.returncode == 0, done.stderr.decode()
    return isolated


def remove_isolated(isolated: Isolated) -> None:
    url = isolated.env.get("HELPLINE_DATABASE_URL", "")
    if url.startswith("postgres"):
        drop_database(url)
