"""The client's IP address, for bans, rate limits and visitor monitoring.

Behind a reverse proxy every connection comes from the proxy; the proxy names the client in ``X-Forwarded-For``
(``client, proxy1, proxy2``, each hop appending the address it was reached from). That header is believed only
when the direct peer is one of ``settings.TRUSTED_PROXIES`` (``HELPLINE_TRUSTED_PROXIES``); then the list is read
from the right, skipping trusted proxies, and the first address that is not one is the client. Anything a client
writes into the header itself sits further left and is never reached. Without a trusted peer, the peer is the
client and the header is ignored.

uvicorn (helpline.config.server) applies the same list to ``scope["client"]`` before the request reaches us;
reading the header again here gives the same answer, so the result does not depend on the server in front.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

from helpline.security.bans import parse_ip

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def is_trusted_proxy(address: IPAddress | None) -> bool:
    if address is None:
        return False
    return any(address.version == net.version and address in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _hop(value: str) -> IPAddress | None:
    """One X-Forwarded-For entry: an address, possibly with a port (``1.2.3.4:5678``, ``[2001:db8::1]:443``)."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return parse_ip(value)


def client_ip(peer: str | None, forwarded_for: list[str] | tuple[str, ...] = ()) -> str:
    """The client's address (IPv4-mapped IPv6 as IPv4), or "" when there is none. ``peer``: the address the
    connection came from; ``forwarded_for``: every X-Forwarded-For header value, in order."""
    address = parse_ip(peer)
    if not is_trusted_proxy(address):
        return str(address) if address is not None else ""
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for raw in reversed(hops):
        hop = _hop(raw)
        if hop is None:  # a malformed entry: nothing left of it can be believed
            break
        address = hop
        if not is_trusted_proxy(hop):
            break
    return str(address)


def request_ip(request) -> str:
    """The client address of a Django request."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    return client_ip(request.META.get("REMOTE_ADDR"), [forwarded] if forwarded else [])


def scope_ip(scope) -> str:
    """The client address of an ASGI connection (a websocket's scope)."""
    peer = (scope.get("client") or ("",))[0]
    forwarded = [
        value.decode("latin-1") for name, value in scope.get("headers") or [] if name.lower() == b"x-forwarded-for"
    ]
    return client_ip(peer, forwarded)
