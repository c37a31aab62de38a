"""Leases: ``HUEY.lock_task`` locks that survive a crash of their holder.

A plain Huey lock is a key written with ``put_if_empty`` and deleted on release; if the process holding it
dies (kill -9, power loss) the key stays and the mailbox would never be fetched again (SQLite and Redis 7.0
storages have no TTL for it). Here the lock's value is its holder's token with a timestamp; the holder renews
it while it works, and a lock not renewed for ``stale`` seconds is taken over — by exactly one contender,
who wins a ``put_if_empty`` on a marker named after the stale value. The key is the one ``HUEY.lock_task``
uses, so ``HUEY.flush_locks()`` (``--flush-locks``) clears these too.
"""

from __future__ import annotations

import logging
import os
import secrets
import time

from huey.contrib.djhuey import HUEY

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, name: str, *, stale: float = 600.0, renew_every: float = 30.0):
        self.name = name
        self.key = HUEY.lock_task(name)._key  # registers the key with Huey's flush_locks
        self.stale = stale
        self.renew_every = renew_every
        self.token: str | None = None
        self._renewed = 0.0

    def _new_token(self) -> str:
        self._renewed = time.time()
        return f"{self._renewed:.3f}:{os.getpid()}:{secrets.token_hex(4)}"

    @staticmethod
    def _age(value) -> float:
        try:
            return time.time() - float(str(value).split(":", 1)[0])
        except ValueError:
            return float("inf")

    def acquire(self) -> bool:
        token = self._new_token()
        if HUEY.put_if_empty(self.key, token):
            self.token = token
            return True
        current = HUEY.get(self.key, peek=True)
        if current is None or self._age(current) < self.stale:
            return False  # held (or released this instant: the next attempt gets it)
        if not HUEY.put_if_empty(f"{self.key}.takeover.{current}", "1"):
            return False  # another contender is taking this stale lease over
        log.warning("lease %s: holder %s stopped renewing; taking it over", self.name, current)
        HUEY.put(self.key, token)
        self.token = token
        return True

    def held(self) -> bool:
        """Whether anyone holds the lease right now (a stale one counts as free)."""
        current = HUEY.get(self.key, peek=True)
        return current is not None and self._age(current) < self.stale

    def renew(self, *, force: bool = False) -> bool:
        """Keep it; False when it was lost (taken over after we stalled)."""
        if self.token is None:
            return False
        if not force and time.time() - self._renewed < self.renew_every:
            return True
        if HUEY.get(self.key, peek=True) != self.token:
            self.token = None
            return False
        self.token = self._new_token()
        HUEY.put(self.key, self.token)
        return True

    def release(self) -> None:
        if self.token is not None and HUEY.get(self.key, peek=True) == self.token:
            HUEY.delete(self.key)
        self.token = None

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()
