"""IMAP IDLE: a thread per mailbox whose server advertises IDLE, so new mail is a ticket within seconds.

``IdleManager`` runs in every process with a task consumer (``helpline serve`` with its embedded worker, and
``helpline worker``), started by the Huey start-up hook in ``transports/tasks.py``. Every ``RECONCILE``
seconds it reads the active IMAP mailboxes and claims, through a lease in the task queue's storage, the ones
no other process watches: across a fleet each mailbox has one watcher, and a dead process's mailboxes are
taken over within ``3 × RECONCILE`` seconds. A watcher connects, fetches what is new, sends IDLE and waits;
on ``* n EXISTS`` it ends IDLE and fetches; every ``CYCLE`` seconds it reconnects (servers drop IDLE after
29–30 minutes, NAT boxes sooner). A server without IDLE ends its watcher and releases the claim: the
periodic poll (``poll_mailboxes``, every minute) fetches every mailbox that no watcher holds.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading

from django.db import close_old_connections, connection

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports.fetch import fetch_mailbox
from helpline.channels.email.transports.imap import ImapSession
from helpline.channels.email.transports.locks import Lease

log = logging.getLogger(__name__)
CYCLE = 9 * 60.0
RECONCILE = 30.0
EXISTS = re.compile(rb"\* \d+ EXISTS", re.IGNORECASE)


def watch_lease(mailbox_id: int) -> Lease:
    return Lease(f"email-idle-{mailbox_id}", stale=3 * RECONCILE, renew_every=0)


def fingerprint(mailbox: Mailbox) -> int:
    """Changes when a setting the watcher depends on changes, so it restarts with the new ones."""
    fields = ("host", "port", "security", "username", "password", "auth", "folder", "oauth_refresh_token")
    return hash(tuple(str(getattr(mailbox, name)) for name in fields) + (mailbox.after_import, mailbox.move_to_folder))


def idle_wait(session: ImapSession, timeout: float, stop: threading.Event, idling: threading.Event) -> bool:
    """IDLE until the folder has new mail (True) or ``timeout`` passes (False: reconnect, the reader timed out)."""
    conn = session.conn
    tag = b"HLI%d" % threading.get_ident()
    conn.send(tag + b" IDLE\r\n")
    if not conn.readline().startswith(b"+"):
        return False
    idling.set()
    conn.sock.settimeout(timeout)
    try:
        while not stop.is_set():
            try:
                line = conn.readline()
            except TimeoutError:
                return False  # the socket file cannot be read after a timeout: the session is reopened
            if line.upper().startswith(b"* BYE"):
                return False
            if EXISTS.match(line):
                break
    finally:
        idling.clear()
    if stop.is_set():
        return False
    conn.sock.settimeout(session.timeout)
    conn.send(b"DONE\r\n")
    while not conn.readline().startswith(tag + b" "):
        pass
    return True


class IdleWatcher(threading.Thread):
    def __init__(self, mailbox_id: int, print_: int):
        super().__init__(name=f"imap-idle-{mailbox_id}", daemon=True)
        self.mailbox_id = mailbox_id
        self.fingerprint = print_
        self.claim = watch_lease(mailbox_id)
        self.stopping = threading.Event()
        self.idling = threading.Event()
        self.unsupported = False
        self.session: ImapSession | None = None

    def run(self) -> None:
        failures = 0
        try:
            while not self.stopping.is_set() and not self.unsupported:
                try:
                    self._watch()
                    failures = 0
                except Exception:
                    if self.stopping.is_set():
                        break
                    failures += 1
                    log.warning("IDLE on mailbox %s failed (%d)", self.mailbox_id, failures, exc_info=True)
                    self.stopping.wait(min(300.0, 2.0**failures))
        finally:
            self.claim.release()
            connection.close()

    def _watch(self) -> None:
        close_old_connections()
        mailbox = Mailbox.objects.select_related("account").filter(pk=self.mailbox_id, is_active=True).first()
        if mailbox is None:
            self.stopping.set()
            return
        with ImapSession(mailbox) as session:
            self.session = session
            if not session.supports_idle:
                log.info("mailbox %s: the server has no IDLE; it is polled", mailbox.public_id)
                self.unsupported = True
                return
            while not self.stopping.is_set():
                close_old_connections()
                # Until a fetch finds nothing: mail that arrived while one ran was announced (EXISTS) inside its
                # answer and would not be announced again in IDLE; the next fetch's UID listing sees it.
                while (report := fetch_mailbox(mailbox, session)) is not None and report.fetched:
                    pass
                if not idle_wait(session, CYCLE, self.stopping, self.idling):
                    return
            self.session = None

    def stop(self) -> None:
        self.stopping.set()
        session = self.session
        sock = getattr(session.conn, "sock", None) if session and session.conn else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read


class IdleManager(threading.Thread):
    def __init__(self, *, reconcile: float = RECONCILE):
        super().__init__(name="imap-idle-manager", daemon=True)
        self.reconcile_every = reconcile
        self.watchers: dict[int, IdleWatcher] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.reconcile()
                except Exception:
                    log.warning("IDLE manager: reconcile failed", exc_info=True)
                self.stopping.wait(self.reconcile_every)
        finally:
            for watcher in self.watchers.values():
                watcher.stop()
            connection.close()

    def reconcile(self) -> None:
        close_old_connections()
        wanted = {
            mailbox.pk: fingerprint(mailbox)
            for mailbox in Mailbox.objects.filter(is_active=True, inbound=Mailbox.IMAP).only(
                "pk", "host", "port", "security", "username", "password", "auth", "folder", "oauth_refresh_token",
                "after_import", "move_to_folder",
            )
        }  # fmt: skip
        for pk, watcher in list(self.watchers.items()):
            changed = wanted.get(pk) != watcher.fingerprint
            if changed or (not watcher.is_alive() and not watcher.unsupported):
                watcher.stop()
                del self.watchers[pk]
            elif watcher.is_alive() and not watcher.claim.renew():
                watcher.stop()  # stalled so long that another process took it over
        for pk, print_ in wanted.items():
            if pk not in self.watchers:
                watcher = IdleWatcher(pk, print_)
                if watcher.claim.acquire():
                    self.watchers[pk] = watcher
                    watcher.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        for watcher in list(self.watchers.values()):
            watcher.stop()
        self.join(timeout)
        for watcher in list(self.watchers.values()):
            watcher.join(timeout)


_manager: IdleManager | None = None
_manager_lock = threading.Lock()


def start_manager(*, reconcile: float = RECONCILE) -> IdleManager:
    """Start this process's IDLE manager once (further calls return it)."""
    global _manager
    with _manager_lock:
        if _manager is None or not _manager.is_alive():
            _manager = IdleManager(reconcile=reconcile)
            _manager.start()
        return _manager


def stop_manager() -> None:
    global _manager
    with _manager_lock:
        manager, _manager = _manager, None
    if manager is not None:
        manager.stop()


def is_watched(mailbox_id: int) -> bool:
    return watch_lease(mailbox_id).held()
