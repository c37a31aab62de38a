""" "Test connection": each step of reaching a mailbox's servers, and which one failed, in words an admin can act on.

``test_inbound(mailbox)``: DNS resolution → TCP connect → TLS handshake (certificate) → sign-in → folder
(IMAP SELECT, read-only; POP3 STAT). ``test_outbound(mailbox)``: DNS → TCP → TLS → EHLO → AUTH. The steps
run in order and stop at the first failure, which is the last step in the list. Nothing is fetched, flagged
or sent.
"""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import imap, oauth, pop3
from helpline.channels.email.transports.imapwire import folder_name
from helpline.channels.email.transports.net import (
    TIMEOUT,
    TransportError,
    default_port,
    describe_network_error,
    ensure_plain_allowed,
    tls_context,
)

LABELS = {
    "dns": gettext_lazy("DNS resolution"),
    "connect": gettext_lazy("TCP connection"),
    "tls": gettext_lazy("TLS handshake"),
    "login": gettext_lazy("Sign-in"),
    "folder": gettext_lazy("Folder"),
    "ehlo": gettext_lazy("SMTP greeting (EHLO)"),
    "auth": gettext_lazy("SMTP sign-in"),
    "setup": gettext_lazy("Settings"),
}


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str

    @property
    def label(self) -> str:
        return str(LABELS.get(self.name, self.name))


class _Stopped(Exception):
    pass


class _Steps(list):
    def __init__(self, host: str, port: int):
        super().__init__()
        self.host, self.port = host, port

    def run(self, name: str, action):
        """``action()`` returns (detail, value); a failure is recorded and stops the test."""
        try:
            detail, value = action()
        except Exception as exc:
            self.append(Step(name, False, self._explain(exc)))
            raise _Stopped from exc
        self.append(Step(name, True, str(detail)))
        return value

    def _explain(self, exc: Exception) -> str:
        if isinstance(exc, TransportError):
            return exc.message
        if isinstance(exc, smtplib.SMTPResponseException):
            reason = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            return _("The SMTP server answered %(code)s %(reason)s") % {"code": exc.smtp_code, "reason": reason}
        if isinstance(exc, OSError):
            return describe_network_error(exc, self.host, self.port)
        if isinstance(exc, poplib.error_proto) and exc.args and isinstance(exc.args[0], bytes):
            return _("The mail server answered: %(reason)s") % {"reason": exc.args[0].decode(errors="replace")}
        return _("The mail server answered: %(reason)s") % {"reason": str(exc)[:300]}


def _resolve(host: str, port: int):
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    return _("%(host)s is %(addresses)s") % {"host": host, "addresses": ", ".join(addresses)}, addresses


def _connect(host: str, port: int):
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
        peer = sock.getpeername()[0]
    elapsed = (time.monotonic() - started) * 1000
    return _("Connected to %(peer)s port %(port)s in %(ms)d ms") % {"peer": peer, "port": port, "ms": elapsed}, None


def _tls_detail(sock) -> str:
    if not isinstance(sock, ssl.SSLSocket):
        return _("Not encrypted (allowed because the server is this machine)")
    cert = sock.getpeercert() or {}
    subject = dict(item[0] for item in cert.get("subject", ()) if item)
    return _("%(version)s; certificate for %(name)s valid until %(until)s") % {
        "version": sock.version(),
        "name": subject.get("commonName", "?"),
        "until": cert.get("notAfter", "?"),
    }


def _open(protocol: str, mailbox: Mailbox, host: str, port: int):
    """Connect at the protocol level (with STARTTLS/STLS when asked); detail describes the encryption."""
    conn = imap.connect(mailbox, timeout=TIMEOUT) if protocol == "imap" else pop3.connect(mailbox, timeout=TIMEOUT)
    return _tls_detail(conn.sock), conn


def _close(conn) -> None:
    try:
        if isinstance(conn, imaplib.IMAP4):
            conn.logout()
        elif isinstance(conn, poplib.POP3 | smtplib.SMTP):
            conn.quit()
    except (OSError, imaplib.IMAP4.error, poplib.error_proto, smtplib.SMTPException):
        pass


def test_inbound(mailbox: Mailbox) -> list[Step]:
    if mailbox.inbound == Mailbox.FORWARD:
        return [Step("setup", True, _("Mail is forwarded to Helpline; there is no server to connect to."))]
    protocol = "pop3" if mailbox.inbound == Mailbox.POP3 else "imap"
    host, port = mailbox.host, mailbox.port or default_port(protocol, mailbox.security)
    steps, conn = _Steps(host, port), None
    user = mailbox.username or mailbox.address
    try:
        steps.run("dns", lambda: _resolve(host, port))
        steps.run("connect", lambda: _connect(host, port))
        conn = steps.run("tls", lambda: _open(protocol, mailbox, host, port))
        login = imap.login if protocol == "imap" else pop3.login
        steps.run("login", lambda: (_("Signed in as %(user)s") % {"user": user}, login(conn, mailbox)))
        steps.run("folder", lambda: _imap_folder(conn, mailbox) if protocol == "imap" else _pop3_stat(conn))
    except _Stopped:
        pass
    finally:
        if conn is not None:
            _close(conn)
    return list(steps)


def _imap_folder(conn: imaplib.IMAP4, mailbox: Mailbox):
    typ, data = conn.select(folder_name(mailbox.folder), readonly=True)
    if typ != "OK":
        reason = data[-1].decode(errors="replace") if data and data[-1] else ""
        raise TransportError(
            _("The folder %(folder)s could not be opened: %(reason)s") % {"folder": mailbox.folder, "reason": reason}
        )
    count = int(data[-1] or 0)
    return _("%(folder)s has %(count)d messages") % {"folder": mailbox.folder, "count": count}, None


def _pop3_stat(conn: poplib.POP3):
    count, size = conn.stat()
    return _("%(count)d messages on the server (%(size)d bytes)") % {"count": count, "size": size}, None


def test_outbound(mailbox: Mailbox) -> list[Step]:
    if not mailbox.smtp_host:
        return [Step("setup", True, _("No SMTP server is set for this mailbox; replies use the server-wide one."))]
    host, security = mailbox.smtp_host, mailbox.smtp_security
    port = mailbox.smtp_port or default_port("smtp", security)
    steps, conn = _Steps(host, port), None
    try:
        steps.run("dns", lambda: _resolve(host, port))
        steps.run("connect", lambda: _connect(host, port))
        conn = steps.run("tls", lambda: _smtp_open(host, port, security))
        steps.run("ehlo", lambda: _ehlo(conn))
        steps.run("auth", lambda: _smtp_auth(conn, mailbox))
    except _Stopped:
        pass
    finally:
        if conn is not None:
            _close(conn)
    return list(steps)


def _smtp_open(host: str, port: int, security: str):
    if security == "ssl":
        conn = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=tls_context())
    else:
        if security == "none":
            ensure_plain_allowed(host)
        conn = smtplib.SMTP(host, port, timeout=TIMEOUT)
        if security == "starttls":
            conn.ehlo()
            if not conn.has_extn("starttls"):
                conn.close()
                raise TransportError(_("The SMTP server does not offer STARTTLS."))
            conn.starttls(context=tls_context())
    return _tls_detail(conn.sock), conn


def _ehlo(conn: smtplib.SMTP):
    code, answer = conn.ehlo()
    if code != 250:
        raise smtplib.SMTPResponseException(code, answer)
    extensions = " ".join(sorted(name.upper() for name in conn.esmtp_features))
    return _("The server accepts EHLO; it offers %(extensions)s") % {"extensions": extensions or "-"}, None


def _smtp_auth(conn: smtplib.SMTP, mailbox: Mailbox):
    user = mailbox.smtp_username or mailbox.username or mailbox.address
    if mailbox.auth != Mailbox.PASSWORD:
        token = oauth.access_token(mailbox)
        conn.auth("XOAUTH2", lambda challenge=None: oauth.xoauth2(user, token).decode(), initial_response_ok=True)
    elif mailbox.smtp_username or mailbox.smtp_password:
        conn.login(user, mailbox.smtp_password)
    else:
        return _("No sign-in configured (the server relays without one)"), None
    return _("Signed in as %(user)s") % {"user": user}, None
