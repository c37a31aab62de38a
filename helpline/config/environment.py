"""Read HELPLINE_* environment variables into the two deployment shapes.

Everything shape-specific is decided here: the embedded default (SQLite, in-memory
channel layer, Huey on SQLite, local-memory cache, files on disk) or scale-out
(PostgreSQL, Redis for channels, tasks and cache). Domain code never looks at these.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


class ConfigurationError(Exception):
    """A setting is wrong; the message is one clear line for the operator."""


@dataclass(frozen=True)
class DatabaseConfig:
    django: dict
    vendor: str


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(os.environ.get("HELPLINE_DATA_DIR") or "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    configured = os.environ.get("HELPLINE_SECRET_KEY")
    if configured:
        return configured
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def _session_options() -> dict:
    """PostgreSQL session settings for Helpline's connections. ``HELPLINE_DB_PARALLEL_WORKERS`` (default 0) is
    ``max_parallel_workers_per_gather``: the desk's queries are short keyset pages, and a parallel plan for one
    (Gather Merge over an inbox index) makes several processes each read the range until they have a page —
    several times the work for the same rows (docs/benchmarks.md, "Combined filters"). Empty: the server's own."""
    workers = os.environ.get("HELPLINE_DB_PARALLEL_WORKERS", "0").strip()
    if not workers:
        return {}
    if not workers.isdigit():
        raise ConfigurationError(f"HELPLINE_DB_PARALLEL_WORKERS {workers!r} is not a whole number")
    return {"options": f"-c max_parallel_workers_per_gather={int(workers)}"}


def database(url: str | None, directory: Path) -> DatabaseConfig:
    if not url:
        return _sqlite(directory / "helpline.sqlite3")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"sqlite", "sqlite3"}:
        path = unquote(parts.path)
        if not path or path == "/":
            raise ConfigurationError(f"HELPLINE_DATABASE_URL {url!r} names no SQLite file")
        return _sqlite(Path(path))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        if not parts.path.strip("/"):
            raise ConfigurationError(f"HELPLINE_DATABASE_URL {url!r} names no database")
        return DatabaseConfig(
            vendor="postgresql",
            django={
                "ENGINE": "django.db.backends.postgresql",
                "NAME": unquote(parts.path.lstrip("/")),
                "USER": unquote(parts.username or ""),
                "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "",
                "PORT": str(parts.port or ""),
                "CONN_MAX_AGE": int(os.environ.get("HELPLINE_DB_CONN_MAX_AGE", "60")),
                "CONN_HEALTH_CHECKS": True,
                "OPTIONS": {"connect_timeout": 5, **_session_options()},
            },
        )
    raise ConfigurationError(
        f"HELPLINE_DATABASE_URL scheme {scheme!r} is not supported; use postgres://… or sqlite:///path"
    )


def _sqlite(path: Path) -> DatabaseConfig:
    path.parent.mkdir(parents=True, exist_ok=True)
    return DatabaseConfig(
        vendor="sqlite",
        django={
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
                ),
            },
        },
    )


def redis_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigurationError(f"HELPLINE_REDIS_URL {url!r} must start with redis:// or rediss://")
    return url


DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"  # a reverse proxy on the same machine (uvicorn's own default)


def trusted_proxies(value: str | None) -> list[str]:
    """HELPLINE_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed,
    comma-separated addresses or CIDR networks. Unset: this machine only; empty: nobody."""
    raw = DEFAULT_TRUSTED_PROXIES if value is None else value
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigurationError(
                f"HELPLINE_TRUSTED_PROXIES: {item!r} is neither an IP address nor a network such as 10.0.0.0/8"
            ) from None
    return networks
