"""A PostgreSQL database and a Redis db of their own for each multiprocess test module (see support.py)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from .support import DATABASE_URL, REDIS_URL, with_path


@pytest.fixture(scope="module")
def scaleout_database() -> Iterator[str]:
    import psycopg

    name = f"helpline_scaleout_{secrets.token_hex(4)}"
    admin_url = with_path(DATABASE_URL.replace("postgresql://", "postgres://", 1), "/postgres")
    admin_dsn = admin_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_path(admin_url, f"/{name}")
    finally:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def scaleout_redis(request) -> Iterator[tuple[str, str]]:
    """(redis url, queue name): a db number other than the suite's and a queue name of our own.

    A module picks its db with ``REDIS_DBS = (preferred, fallback)`` (default 14, else 15), so two modules'
    clusters never share channel-layer subscriptions, even when run side by side."""
    import redis

    preferred, fallback = getattr(request.module, "REDIS_DBS", (14, 15))
    parts = urlsplit(REDIS_URL)
    suite_db = int(parts.path.strip("/") or 0)
    db = preferred if suite_db != preferred else fallback
    url = urlunsplit(parts._replace(path=f"/{db}"))
    queue = f"helplinescaleout{secrets.token_hex(4)}"  # letters and digits only: Huey's Redis keys use it as is
    yield url, queue
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)
