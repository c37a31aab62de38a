"""One fetch of one mailbox (IMAP or POP3) under its lease, with the outcome kept on the mailbox."""

from __future__ import annotations

import imaplib
import logging
import poplib

from django.utils.translation import gettext as _

from helpline.channels.email.actions import record_mailbox_check
from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports.delivery import TemporaryFailure
from helpline.channels.email.transports.imap import FetchReport, ImapSession
from helpline.channels.email.transports.locks import Lease
from helpline.channels.email.transports.net import TransportError, describe_network_error
from helpline.channels.email.transports.pop3 import fetch_pop3

log = logging.getLogger(__name__)


def fetch_lease(mailbox_id: int) -> Lease:
    """One mailbox is never fetched twice at once, by any worker of any node."""
    return Lease(f"email-fetch-{mailbox_id}")


def fetch_now(mailbox: Mailbox, session: ImapSession | None = None, heartbeat=None) -> FetchReport:
    """Fetch without taking the lease (the caller holds it); an open IMAP session may be reused (IDLE)."""
    if mailbox.inbound == Mailbox.POP3:
        return fetch_pop3(mailbox, heartbeat=heartbeat)
    if session is not None:
        return session.fetch_new(heartbeat=heartbeat)
    with ImapSession(mailbox) as session:
        return session.fetch_new(heartbeat=heartbeat)


def _keeper(lease: Lease):
    def heartbeat():
        if not lease.renew():  # we stalled so long that another worker took the mailbox over: stop
            raise TransportError(_("Fetching stopped: another worker took this mailbox over."), step="fetch")

    return heartbeat


def error_text(exc: BaseException, mailbox: Mailbox) -> str:
    if isinstance(exc, TransportError | TemporaryFailure):
        return exc.message
    if isinstance(exc, OSError):
        return describe_network_error(exc, mailbox.host, mailbox.port or 0)
    return _("The mail server answered: %(reason)s") % {"reason": str(exc)[:300]}


def fetch_mailbox(mailbox: Mailbox, session: ImapSession | None = None) -> FetchReport | None:
    """None when another worker holds the mailbox; errors end up in ``mailbox.last_error``, not raised."""
    lease = fetch_lease(mailbox.pk)
    if not lease.acquire():
        log.info("mailbox %s is being fetched elsewhere; skipped", mailbox.public_id)
        return None
    try:
        report = fetch_now(mailbox, session, heartbeat=_keeper(lease))
    except (TransportError, TemporaryFailure, imaplib.IMAP4.error, poplib.error_proto, OSError) as exc:
        text = error_text(exc, mailbox)
        log.warning("mailbox %s: %s", mailbox.public_id, text)
        _record(mailbox, text)
        if session is not None:
            raise  # the IDLE watcher reconnects
        return None
    finally:
        lease.release()
    if report.fetched:
        log.info("mailbox %s: %s", mailbox.public_id, report)
    _record(mailbox, "")
    return report


def _record(mailbox: Mailbox, error: str) -> None:
    try:
        record_mailbox_check(mailbox=mailbox, error=error)
    except Exception:  # the database may be the thing that is down
        log.warning("mailbox %s: could not record the check", mailbox.public_id, exc_info=True)
