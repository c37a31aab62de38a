"""The one call every transport makes: raw bytes → ``receive_email``, with failures sorted into two kinds.

* temporary (the database unreachable or locked, the disk full): ``TemporaryFailure`` is raised and the
  transport must not acknowledge the mail — IMAP/POP3 leave it on the server and do not advance, the SMTP
  receiver answers 451, the pipe exits 75 — so it comes again;
* anything else ``receive_email`` raises (a bug, not bad mail: bad mail is quarantined inside it): the raw
  bytes are stored and quarantined here, so one poison message never blocks the mail behind it.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils.translation import gettext as _

from helpline.channels.email.inbound import receive_email, receive_emails
from helpline.ingest.pipeline import IngestResult, quarantine, store_raw

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Storing failed for a reason that goes away (database, disk); the sender must try again later."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def is_temporary(exc: BaseException) -> bool:
    # OSError here is the raw store (no network inside receive_email): ENOSPC, EIO, EROFS, permissions …
    return isinstance(exc, OperationalError | InterfaceError | OSError)


def _temporary(exc: BaseException) -> TemporaryFailure:
    if not connection.in_atomic_block:
        close_old_connections()  # a broken connection is replaced on the next use
    if isinstance(exc, OSError) and not isinstance(exc, OperationalError | InterfaceError):
        reason = _("the mail could not be written to storage (%(reason)s)") % {"reason": exc.strerror or exc}
    else:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        reason = _("the database is not available (%(reason)s)") % {"reason": first}
    return TemporaryFailure(_("Temporary failure: %(reason)s.") % {"reason": reason})


def ingest(*, account, raw: bytes, mailbox=None, envelope: tuple[str, ...] = ()) -> IngestResult:
    """Stored (ticket, duplicate or quarantine) when it returns; ``TemporaryFailure`` when not stored."""
    try:
        return receive_email(account=account, raw=raw, mailbox=mailbox, envelope_recipients=tuple(envelope))
    except Exception as exc:
        if is_temporary(exc):
            raise _temporary(exc) from exc
        failure = exc
    log.exception("receive_email failed for a %d-byte message to %s; quarantining it", len(raw), account.pk)
    try:
        record = store_raw(account=account, channel="email", raw=raw, source=mailbox.public_id if mailbox else "")
        record = quarantine(record, f"receive_email raised {failure!r}")
    except Exception as exc:
        raise _temporary(exc) from exc
    return IngestResult(record=record, message=None, duplicate=False, thread_reason="quarantined")


def ingest_batch(*, account, raws: list[bytes], mailbox=None, envelope: tuple[str, ...] = ()) -> list[IngestResult]:
    """Several mails at once (``receive_emails``: stored first, delivered in one transaction); one result per
    raw. ``TemporaryFailure`` when they could not be stored or committed. Anything else the batch raises (a
    bug outside its per-message savepoints) sends the mails through ``ingest`` one by one, so one poison
    message never blocks the others (the batch's raws stay stored as well, unprocessed)."""
    try:
        return receive_emails(account=account, raws=raws, mailbox=mailbox, envelope_recipients=tuple(envelope))
    except Exception as exc:
        if is_temporary(exc):
            raise _temporary(exc) from exc
    log.exception("receive_emails failed for %d messages to %s; delivering them one by one", len(raws), account.pk)
    return [ingest(account=account, raw=raw, mailbox=mailbox, envelope=envelope) for raw in raws]
