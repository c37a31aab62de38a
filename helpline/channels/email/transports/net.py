"""Connections to mail servers: the TLS context, the loopback-only rule for unencrypted connections, errors."""

from __future__ import annotations

import ipaddress
import socket
import ssl

from django.utils.translation import gettext as _

TIMEOUT = 30.0
SSL, STARTTLS, NONE = "ssl", "starttls", "none"
DEFAULT_PORTS = {
    ("imap", SSL): 993,
    ("imap", STARTTLS): 143,
    ("imap", NONE): 143,
    ("pop3", SSL): 995,
    ("pop3", STARTTLS): 110,
    ("pop3", NONE): 110,
    ("smtp", SSL): 465,
    ("smtp", STARTTLS): 587,
    ("smtp", NONE): 25,
}


class TransportError(Exception):
    """A mail server could not be used; ``message`` is one translated line for the admin (kept in last_error)."""

    def __init__(self, message, *, step: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.step = step


def default_port(protocol: str, security: str) -> int:
    return DEFAULT_PORTS[(protocol, security)]


def is_loopback(host: str) -> bool:
    """True when every address the name resolves to is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def ensure_plain_allowed(host: str) -> None:
    if not is_loopback(host):
        raise TransportError(
            _("Unencrypted connections are only allowed to this machine (loopback); use TLS or STARTTLS for %(host)s.")
            % {"host": host},
            step="tls",
        )


def tls_context() -> ssl.SSLContext:
    """Certificate and host name verified against the system trust store (``SSL_CERT_FILE`` honoured)."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def describe_tls_error(exc: ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("The server's certificate was not accepted: %(reason)s.") % {
            "reason": exc.verify_message or exc.reason or str(exc)
        }
    return _("The TLS handshake failed: %(reason)s.") % {"reason": exc.reason or str(exc)}


def describe_network_error(exc: OSError, host: str, port: int) -> str:
    if isinstance(exc, ssl.SSLError):
        return describe_tls_error(exc)
    if isinstance(exc, socket.gaierror):
        return _("The server name %(host)s could not be resolved.") % {"host": host}
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("No answer from %(host)s:%(port)s (timed out).") % {"host": host, "port": port}
    if isinstance(exc, ConnectionRefusedError):
        return _("%(host)s:%(port)s refused the connection.") % {"host": host, "port": port}
    return _("Network error with %(host)s:%(port)s: %(reason)s.") % {
        "host": host,
        "port": port,
        "reason": exc.strerror or str(exc),
    }
