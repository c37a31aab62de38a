"""POP3 fetching (poplib): UIDL-based progress, DELE only after the ticket is committed.

POP3 has no flags and no folders: a mailbox either leaves mail on the server ("keep") or deletes it. The
UIDLs already stored are remembered in the task queue's key/value storage (SQLite or Redis), so a kept
message is downloaded once. That memory is a cache, not the source of truth: if it is lost, messages are
downloaded again and the pipeline's dedupe (Message-ID, else content hash) turns them into duplicates, not
new tickets. DELE marks take effect at QUIT only; a crash before QUIT leaves the mail on the server, and the
next run deletes what it finds already stored without downloading it again.
"""

from __future__ import annotations

import base64
import logging
import poplib

from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import oauth
from helpline.channels.email.transports.delivery import ingest
from helpline.channels.email.transports.imap import FetchReport
from helpline.channels.email.transports.net import (
    TIMEOUT,
    TransportError,
    default_port,
    ensure_plain_allowed,
    tls_context,
)

log = logging.getLogger(__name__)
SAVE_EVERY = 50
# poplib refuses lines over 2,048 bytes, and real mail (HTML without line breaks) has longer ones; a refused
# line would stop the mailbox at that message for ever. A message is read whole anyway; 1 MB per line is safe.
poplib._MAXLINE = max(poplib._MAXLINE, 1 << 20)


def _seen_key(mailbox: Mailbox) -> str:
    return f"email.pop3.seen.{mailbox.public_id}.{mailbox.host}.{mailbox.username}"


def load_seen(mailbox: Mailbox) -> set[str]:
    value = HUEY.get(_seen_key(mailbox), peek=True)
    return set(value) if isinstance(value, list | set | frozenset) else set()


def save_seen(mailbox: Mailbox, seen: set[str]) -> None:
    HUEY.put(_seen_key(mailbox), sorted(seen))


def connect(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> poplib.POP3:
    host, security = mailbox.host, mailbox.security
    port = mailbox.port or default_port("pop3", security)
    if security == "ssl":
        return poplib.POP3_SSL(host, port, timeout=timeout, context=tls_context())
    if security == "none":
        ensure_plain_allowed(host)
    conn = poplib.POP3(host, port, timeout=timeout)
    if security == "starttls":
        try:
            conn.stls(tls_context())
        except poplib.error_proto as exc:
            conn.close()
            raise TransportError(
                _("The server does not offer STLS (STARTTLS): %(reason)s") % {"reason": exc}, step="tls"
            ) from exc
    return conn


def login(conn: poplib.POP3, mailbox: Mailbox) -> None:
    user = mailbox.username or mailbox.address
    try:
        if mailbox.auth == Mailbox.PASSWORD:
            conn.user(user)
            conn.pass_(mailbox.password)
        else:
            token = oauth.access_token(mailbox)
            # poplib has no AUTH command; its _shortcmd sends one line and checks the +OK/+ answer.
            conn._shortcmd("AUTH XOAUTH2")
            conn._shortcmd(base64.b64encode(oauth.xoauth2(user, token)).decode())
    except poplib.error_proto as exc:
        raise TransportError(
            _("Signing in as %(user)s failed: %(reason)s")
            % {"user": user, "reason": exc.args[0].decode(errors="replace") if exc.args else exc},
            step="login",
        ) from exc


def fetch_pop3(mailbox: Mailbox, *, timeout: float = TIMEOUT, heartbeat=None) -> FetchReport:
    conn = connect(mailbox, timeout=timeout)
    try:
        login(conn, mailbox)
        report = _fetch(conn, mailbox, heartbeat or (lambda: None))
        conn.quit()  # the DELE marks take effect here
    except BaseException:
        conn.close()
        raise
    return report


def _fetch(conn: poplib.POP3, mailbox: Mailbox, heartbeat) -> FetchReport:
    delete = mailbox.after_import == Mailbox.DELETE
    seen = load_seen(mailbox)
    report = FetchReport()
    present: set[str] = set()
    unsaved = 0
    try:
        for number, uidl in _listing(conn):
            present.add(uidl)
            if uidl not in seen:
                raw = _retrieve(conn, number)
                report.count(ingest(account=mailbox.account, raw=raw, mailbox=mailbox))
                del raw
                seen.add(uidl)
                unsaved += 1
                heartbeat()
            if delete:
                conn.dele(number)
            if unsaved >= SAVE_EVERY:
                save_seen(mailbox, seen)
                unsaved = 0
    finally:
        if unsaved:
            save_seen(mailbox, seen)
    if seen - present:
        save_seen(mailbox, seen & present)  # forget what is gone from the server
    return report


def _listing(conn: poplib.POP3) -> list[tuple[int, str]]:
    _resp, lines, _octets = conn.uidl()
    listing = []
    for line in lines:
        number, _sep, uidl = line.decode(errors="replace").partition(" ")
        listing.append((int(number), uidl.strip()))
    return listing


def _retrieve(conn: poplib.POP3, number: int) -> bytes:
    _resp, lines, _octets = conn.retr(number)
    return b"\r\n".join(lines) + b"\r\n"
