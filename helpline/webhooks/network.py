"""Outbound HTTP that cannot be turned against the server's own network.

* Only ``http``/``https`` URLs with a host, no user info.
* The host is resolved first; every address it resolves to must be public (``ipaddress.is_global``) or inside
  a range the account's owner or admin allowed. Cloud metadata addresses are refused even then.
* The connection goes to the vetted address (TLS still checks the certificate against the host name), so a
  DNS answer that changes between the check and the request (rebinding) cannot redirect it.
* Redirects are never followed: a 3xx is an answer like any other and is logged as a failure.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.utils.translation import gettext as _

from helpline.core.errors import DomainError

CONNECT_TIMEOUT = 5
TOTAL_TIMEOUT = 10
EXCERPT = 2000
METADATA = tuple(
    ipaddress.ip_network(n)
    for n in ("169.254.169.254/32", "169.254.170.2/32", "100.100.100.200/32", "fd00:ec2::254/128")
)

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(DomainError):
    """The URL may not be called: a bad URL, an address that is not public, a host that does not resolve."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Answer:
    status_code: int
    excerpt: str
    duration_ms: int


def parse_ranges(lines) -> list[str]:
    """Normalise an admin's list of CIDR ranges (one per line or a list); raise DomainError on a bad one."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    ranges = []
    for line in lines:
        line = str(line).strip()
        if not line:
            continue
        try:
            ranges.append(str(ipaddress.ip_network(line, strict=False)))
        except ValueError as exc:
            raise DomainError(
                _("%(range)s is not an address range (write e.g. 10.0.0.0/8).") % {"range": line}
            ) from exc
    if len(ranges) > 50:
        raise DomainError(_("Allow at most 50 ranges."))
    return list(dict.fromkeys(ranges))


def check_url(url: str) -> Target:
    """The parts of a URL a webhook may use; raise Refused (translated) otherwise. No network access."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(_("The URL is not valid.")) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("The URL must start with https:// or http:// and name a host."))
    if parts.username or parts.password:
        raise Refused(_("The URL must not contain a user name or password."))
    if len(url) > 2000 or any(c in url for c in "\r\n\t "):
        raise Refused(_("The URL is not valid."))
    path = quote(parts.path or "/", safe=_PATH_SAFE)  # non-ASCII is sent percent-encoded
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(text.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


def vet_address(ip, allowed: list[Network]) -> str:
    """Why this address may not be called ("" when it may)."""
    if any(ip in net for net in METADATA if net.version == ip.version):
        return _("%(ip)s is a cloud metadata address.") % {"ip": ip}
    if ip.is_global and not ip.is_multicast:
        return ""
    if any(ip.version == net.version and ip in net for net in allowed):
        return ""
    return _("%(ip)s is not a public address; an owner or admin can allow its range in the webhook settings.") % {
        "ip": ip
    }


def resolve(target: Target, allowed_ranges: list[str]) -> str:
    """The vetted address to connect to; raise Refused when the host does not resolve or any address is not
    allowed (a host with one private address among public ones is refused too)."""
    allowed = [ipaddress.ip_network(r) for r in allowed_ranges]
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(_("The host %(host)s does not resolve.") % {"host": target.host}) from exc
    addresses = list(dict.fromkeys(_address(info[4][0]) for info in infos))
    if not addresses:
        raise Refused(_("The host %(host)s does not resolve.") % {"host": target.host})
    for ip in addresses:
        reason = vet_address(ip, allowed)
        if reason:
            raise Refused(reason)
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)
        sock.settimeout(self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # certificate checked for the host


def post_json(url: str, body: bytes, *, headers: dict[str, str], allowed_ranges: list[str]) -> Answer:
    """POST ``body`` to ``url`` through a vetted address. Raise Refused before any connection when the URL or
    its addresses are not allowed; OSError (and ssl/http.client errors) for network failures."""
    target = check_url(url)
    address = resolve(target, allowed_ranges)
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target.host, target.port, address, timeout=TOTAL_TIMEOUT)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": "Helpline-Webhooks/1", **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT).decode("utf-8", "replace")
    finally:
        connection.close()
    return Answer(response.status, excerpt, int((time.monotonic() - started) * 1000))
