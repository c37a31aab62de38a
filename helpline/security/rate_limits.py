"""Fixed-window rate limits counted in the cache.

The cache is Redis in the scale-out shape, so a limit holds across every web node; in the embedded shape (one
process) it is the local-memory cache. A window is ``seconds`` long and aligned to the clock; each request adds one
to the counter of every key it is limited by, and is refused when one of them is past its count. ``add`` + ``incr``
are atomic on both caches: two nodes counting at once never lose a request.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.core.cache import cache

from helpline.core import clock
from helpline.security.bans import parse_ip


@dataclass(frozen=True)
class Limit:
    count: int  # requests allowed per window
    seconds: int  # the window


def ip_key(ip: str) -> str:
    """What an address is counted as: itself for IPv4, its /64 for IPv6 (one subscriber's usual allocation, so a
    client cannot escape the limit by rotating through its own addresses)."""
    address = parse_ip(ip)
    if address is None:
        return "none"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _cache_key(scope: str, key: str, window: int) -> str:
    digest = hashlib.blake2s(key.encode(), digest_size=12).hexdigest()  # bounded, safe for every cache backend
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, checks: list[tuple[str, Limit]]) -> int:
    """Count one request under ``scope`` for each (key, limit). 0 when it is allowed, else the seconds until the
    window that refused it ends (for ``Retry-After``)."""
    now = clock.now().timestamp()
    retry_after = 0
    for key, limit in checks:
        window = int(now // limit.seconds)
        cache_key = _cache_key(scope, key, window)
        cache.add(cache_key, 0, timeout=limit.seconds + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a fresh window
            cache.add(cache_key, 1, timeout=limit.seconds + 5)
            count = 1
        if count > limit.count:
            retry_after = max(retry_after, math.ceil((window + 1) * limit.seconds - now))
    return max(retry_after, 1) if retry_after else 0
