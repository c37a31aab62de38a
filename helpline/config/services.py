"""Reach the configured database and Redis at start; turn failures into one clear line."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class ServiceUnavailable(Exception):
    pass


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_database() -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.utils import Error

    try:
        connection.ensure_connection()
    except Error as exc:
        db = settings.DATABASES["default"]
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
        if settings.DATABASE_VENDOR == "sqlite":
            where = db["NAME"]
        raise ServiceUnavailable(f"cannot connect to the database at {where}: {_first_line(exc)}") from exc


def check_redis() -> None:
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise ServiceUnavailable(f"cannot reach Redis at {_redact(settings.REDIS_URL)}: {_first_line(exc)}") from exc
