"""``helpline smtpd``: the built-in SMTP receiver (aiosmtpd), for mail forwarded or MX-routed to Helpline.

RCPT TO is answered from the database at once: an address of an active mailbox (of any account, with
``+tag`` sub-addresses folded onto it) or any address at an accepted domain gets 250, everything else 550 —
so mail for nobody is refused by the sending server instead of bounced later by us. DATA is stored once per
accepting account (``delivery.ingest`` → ``receive_email``): mail to mailboxes of two accounts makes a ticket
in each, mail to two mailboxes of one account one ticket. If storing fails for a temporary reason (database
down, disk full) the answer is 451 and the sender retries; what was stored for one account already is then a
duplicate the second time, not a second ticket. Messages over ``MAX_SIZE`` get 552.

SMTP replies are protocol text read by mail servers, so they stay in English (and ASCII).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.translation import gettext as _

from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.channels.email.transports.delivery import TemporaryFailure, ingest

log = logging.getLogger(__name__)
MAX_SIZE = 50 * 1024 * 1024
TEMPFAIL = "451 4.3.0 Temporary failure storing the message, please try again later"


@dataclass
class Route:
    account: object
    mailbox: Mailbox
    recipients: list[str] = field(default_factory=list)


def resolve_recipient(address: str) -> list[tuple[object, Mailbox]]:
    """(account, mailbox) pairs accepting ``address``; empty when nobody here does."""
    address = address.strip().strip("<>").lower()
    local, _at, domain = address.rpartition("@")
    if not local or not domain:
        return []
    candidates = [address]
    if "+" in local:
        candidates.append(f"{local.split('+', 1)[0]}@{domain}")
    for candidate in candidates:
        mailboxes = list(
            Mailbox.objects.select_related("account").filter(address__iexact=candidate, is_active=True).order_by("pk")
        )
        if mailboxes:
            return [(mailbox.account, mailbox) for mailbox in mailboxes]
    accepted = (
        AcceptedDomain.objects.select_related("account", "mailbox")
        .filter(domain__iexact=domain, mailbox__is_active=True)
        .first()
    )
    return [(accepted.account, accepted.mailbox)] if accepted else []


def store_for_routes(routes: list[Route], raw: bytes) -> list[str]:
    """Store the message for every accepting account; the inbound record ids, for the 250 answer."""
    return [
        ingest(account=r.account, raw=raw, mailbox=r.mailbox, envelope=tuple(r.recipients)).record.public_id
        for r in routes
    ]


def _in_db_thread(fn, *args):
    close_old_connections()  # like a request: connections past CONN_MAX_AGE or broken are replaced
    try:
        return fn(*args)
    except (OperationalError, InterfaceError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    finally:
        close_old_connections()


class ReceiverHandler:
    """aiosmtpd handler; database work runs on a small thread pool, off the event loop."""

    def __init__(self, *, workers: int = 4):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smtpd-db")

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, _in_db_thread, fn, *args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        try:
            targets = await self._run(resolve_recipient, address)
        except TemporaryFailure as exc:
            log.warning("smtpd: RCPT %s: %s", address, exc)
            return "451 4.3.0 Temporary failure looking up the recipient, please try again later"
        if not targets:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        routes: dict = envelope.__dict__.setdefault("helpline_routes", {})
        for account, mailbox in targets:
            routes.setdefault(account.pk, Route(account, mailbox)).recipients.append(address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        routes = list(envelope.__dict__.get("helpline_routes", {}).values())
        raw = envelope.original_content or b""
        try:
            stored = await self._run(store_for_routes, routes, raw)
        except TemporaryFailure as exc:
            log.warning("smtpd: DATA from %s not stored: %s", envelope.mail_from, exc)
            return TEMPFAIL
        except Exception:
            log.exception("smtpd: DATA from %s not stored", envelope.mail_from)
            return TEMPFAIL
        return f"250 2.0.0 OK stored as {' '.join(stored)}"

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def controller(*, host: str, port: int, max_size: int = MAX_SIZE) -> Controller:
    return Controller(
        ReceiverHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_size,
        ident="Helpline ESMTP",
        enable_SMTPUTF8=True,
        decode_data=False,
    )


def serve(*, host: str, port: int) -> None:
    """Run until SIGTERM or SIGINT."""
    receiver = controller(host=host, port=port)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: done.set())
    receiver.start()
    print(_("Helpline SMTP receiver on %(host)s:%(port)s") % {"host": host, "port": port}, file=sys.stderr, flush=True)
    try:
        done.wait()
    finally:
        receiver.stop()
        receiver.handler.close()
