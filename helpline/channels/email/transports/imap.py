"""IMAP fetching: progress by UID within UIDVALIDITY, never by \\Seen; the server copy is touched after storing.

For each new UID, in ascending order and in batches: ``UID FETCH (UID BODY.PEEK[])`` (PEEK: \\Seen is not
set), streamed, and delivered ``DELIVER_EVERY`` messages (or ``DELIVER_BYTES``) at a time through
``delivery.ingest_batch`` (raws stored first, then one transaction). Only after the batch's messages are stored
(ticket committed, duplicate, or quarantined with the raw kept) is ``after_import`` applied to them (keep,
\\Seen, move, delete) and ``mailbox.last_uid`` advanced; with "keep" the progress is saved after every
delivered group. A crash anywhere re-fetches from ``last_uid`` and the pipeline's dedupe absorbs the repeats. When
UIDVALIDITY changes the folder is fetched again from the start, for the same reason.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from array import array
from dataclasses import dataclass

from django.utils.translation import gettext as _

from helpline.channels.email.actions import record_fetch_progress
from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import oauth
from helpline.channels.email.transports.delivery import ingest_batch
from helpline.channels.email.transports.imapwire import ServerRefused, folder_name, uid_fetch, uid_set
from helpline.channels.email.transports.net import (
    TIMEOUT,
    TransportError,
    default_port,
    ensure_plain_allowed,
    tls_context,
)

log = logging.getLogger(__name__)
BATCH = 100
DELIVER_EVERY = 25  # messages delivered together (one transaction), or fewer when they reach DELIVER_BYTES
DELIVER_BYTES = 8 * 1024 * 1024


@dataclass
class FetchReport:
    fetched: int = 0
    created: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def count(self, result) -> None:
        self.fetched += 1
        if result.message is None:
            self.quarantined += 1
        elif result.duplicate:
            self.duplicates += 1
        else:
            self.created += 1


def _server_error(exc: Exception, step: str) -> TransportError:
    return TransportError(_("The mail server answered: %(reason)s") % {"reason": str(exc)[:300]}, step=step)


class ImapSession:
    """A logged-in connection: ``with ImapSession(mailbox) as session: session.fetch_new()``."""

    def __init__(self, mailbox: Mailbox, *, timeout: float = TIMEOUT):
        self.mailbox = mailbox
        self.timeout = timeout
        self.conn: imaplib.IMAP4 | None = None
        self.capabilities: set[str] = set()

    def __enter__(self) -> ImapSession:
        self.conn = connect(self.mailbox, timeout=self.timeout)
        try:
            login(self.conn, self.mailbox)
            typ, data = self.conn.capability()  # the list after login is the complete one
            self.capabilities = {c.upper() for c in data[-1].decode(errors="replace").split()}
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError, ValueError):
            with contextlib.suppress(OSError):
                conn.shutdown()

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def select(self, folder: str, *, readonly: bool) -> int:
        """Select the folder; returns its UIDVALIDITY."""
        try:
            typ, data = self.conn.select(folder_name(folder), readonly=readonly)
        except imaplib.IMAP4.error as exc:
            raise _server_error(exc, "folder") from exc
        if typ != "OK":
            reason = data[-1].decode(errors="replace") if data and data[-1] else ""
            raise TransportError(
                _("The folder %(folder)s could not be opened: %(reason)s") % {"folder": folder, "reason": reason},
                step="folder",
            )
        _name, values = self.conn.response("UIDVALIDITY")
        if not values or values[-1] is None:
            raise TransportError(_("The server did not report the folder's UIDVALIDITY."), step="folder")
        return int(values[-1])

    def new_uids(self, after: int) -> array:
        uids = array("Q")
        for item in uid_fetch(self.conn, f"{after + 1}:*", "UID"):
            if item.uid > after:  # "n:*" always names the last message, even below n
                uids.append(item.uid)
        return array("Q", sorted(uids))

    def fetch_new(self, *, batch_size: int = BATCH, heartbeat=None) -> FetchReport:
        """Fetch every message above ``last_uid``; ``heartbeat()`` is called after each one (lease renewal)."""
        mailbox = self.mailbox
        self._heartbeat = heartbeat or (lambda: None)
        uidvalidity = self.select(mailbox.folder, readonly=mailbox.after_import == Mailbox.KEEP)
        if mailbox.uidvalidity != uidvalidity:
            if mailbox.uidvalidity is not None:
                log.warning("mailbox %s: UIDVALIDITY changed, fetching the folder again", mailbox.public_id)
            record_fetch_progress(mailbox=mailbox, uidvalidity=uidvalidity, last_uid=0)
        report = FetchReport()
        uids = self.new_uids(mailbox.last_uid)
        for start in range(0, len(uids), batch_size):
            self._fetch_batch(list(uids[start : start + batch_size]), report)
        return report

    def _fetch_batch(self, batch: list[int], report: FetchReport) -> None:
        mailbox = self.mailbox
        stored: list[int] = []
        pending: list[tuple[int, bytes]] = []
        stream = uid_fetch(self.conn, uid_set(batch), "UID BODY.PEEK[]")
        try:
            size = 0
            for item in stream:
                if item.body is None or item.uid not in batch:
                    continue
                pending.append((item.uid, item.body))
                size += len(item.body)
                item.body = None
                if len(pending) >= DELIVER_EVERY or size >= DELIVER_BYTES:
                    self._deliver(pending, stored, report)
                    size = 0
            self._deliver(pending, stored, report)
        except BaseException as exc:
            stream.close()  # reads the rest of the answer, so the connection can flag what is stored
            try:
                self._finish(stored, upto=max(stored, default=0))
            except Exception:  # the connection is gone too: the next fetch re-reads these (dedupe)
                log.warning("mailbox %s: could not finish the batch", mailbox.public_id, exc_info=True)
            if isinstance(exc, ServerRefused):
                raise _server_error(exc, "fetch") from exc
            raise
        # UIDs the server did not answer for were expunged meanwhile by another client: nothing to fetch.
        self._finish(stored, upto=batch[-1])

    def _deliver(self, pending: list[tuple[int, bytes]], stored: list[int], report: FetchReport) -> None:
        """Deliver the fetched messages together (``ingest_batch``); with "keep" the progress is saved after them."""
        if not pending:
            return
        mailbox = self.mailbox
        results = ingest_batch(account=mailbox.account, raws=[raw for _uid, raw in pending], mailbox=mailbox)
        uids = [uid for uid, _raw in pending]
        pending.clear()
        for result in results:
            report.count(result)
        stored.extend(uids)
        if mailbox.after_import == Mailbox.KEEP:
            record_fetch_progress(mailbox=mailbox, uidvalidity=mailbox.uidvalidity, last_uid=max(uids))
        for _uid in uids:
            self._heartbeat()

    def _finish(self, stored: list[int], *, upto: int) -> None:
        refused = None
        if stored:
            try:
                apply_after_import(self, stored)
            except TransportError as exc:
                # The server said no (say, the target folder cannot be created). Progress advances anyway:
                # fetching the batch again every minute would store it again every time; the error is shown.
                refused = exc
        if upto > self.mailbox.last_uid:
            record_fetch_progress(mailbox=self.mailbox, uidvalidity=self.mailbox.uidvalidity, last_uid=upto)
        if refused is not None:
            raise refused


def connect(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> imaplib.IMAP4:
    host, security = mailbox.host, mailbox.security
    port = mailbox.port or default_port("imap", security)
    if security == "ssl":
        return imaplib.IMAP4_SSL(host, port, ssl_context=tls_context(), timeout=timeout)
    if security == "none":
        ensure_plain_allowed(host)
    conn = imaplib.IMAP4(host, port, timeout=timeout)
    if security == "starttls":
        try:
            conn.starttls(tls_context())
        except imaplib.IMAP4.error as exc:
            conn.shutdown()
            raise TransportError(
                _("The server does not offer STARTTLS: %(reason)s") % {"reason": exc}, step="tls"
            ) from exc
    return conn


def login(conn: imaplib.IMAP4, mailbox: Mailbox) -> None:
    user = mailbox.username or mailbox.address
    try:
        if mailbox.auth == Mailbox.PASSWORD:
            conn.login(user, mailbox.password)
        else:
            token = oauth.access_token(mailbox)
            conn.authenticate("XOAUTH2", lambda _challenge: oauth.xoauth2(user, token))
    except imaplib.IMAP4.error as exc:
        raise TransportError(
            _("Signing in as %(user)s failed: %(reason)s") % {"user": user, "reason": exc}, step="login"
        ) from exc


def _copy_or_move(session: ImapSession, command: str, uids_text: str, target: str):
    """MOVE or COPY to the target folder, creating it when the server says TRYCREATE."""
    typ, data = session.conn.uid(command, uids_text, target)
    if typ != "OK" and data and b"TRYCREATE" in (data[-1] or b"").upper():
        created, answer = session.conn.create(target)
        if created != "OK":
            reason = (answer[-1] or b"").decode(errors="replace") if answer else ""
            raise TransportError(
                _("The folder %(folder)s could not be created: %(reason)s")
                % {"folder": session.mailbox.move_to_folder, "reason": reason},
                step="after_import",
            )
        typ, data = session.conn.uid(command, uids_text, target)
    return typ, data


def apply_after_import(session: ImapSession, uids: list[int]) -> None:
    """Flag, move or delete the stored messages on the server, as the mailbox says."""
    mailbox, conn = session.mailbox, session.conn
    action = mailbox.after_import
    if action == Mailbox.KEEP or not uids:
        return
    uids_text = uid_set(uids)
    if action == Mailbox.MARK_SEEN:
        typ, data = conn.uid("STORE", uids_text, "+FLAGS.SILENT", r"(\Seen)")
    elif action == Mailbox.MOVE:
        target = folder_name(mailbox.move_to_folder)
        command = "MOVE" if "MOVE" in session.capabilities else "COPY"
        typ, data = _copy_or_move(session, command, uids_text, target)
        if typ == "OK" and command == "COPY":
            typ, data = _delete(session, uids_text)
    else:
        typ, data = _delete(session, uids_text)
    if typ != "OK":
        reason = (data[-1] or b"").decode(errors="replace") if data else ""
        raise TransportError(
            _("Imported mail could not be flagged, moved or deleted on the server: %(reason)s") % {"reason": reason},
            step="after_import",
        )


def _delete(session: ImapSession, uids_text: str):
    conn = session.conn
    typ, data = conn.uid("STORE", uids_text, "+FLAGS.SILENT", r"(\Deleted)")
    if typ != "OK":
        return typ, data
    if "UIDPLUS" in session.capabilities:
        return conn.uid("EXPUNGE", uids_text)
    return conn.expunge()
