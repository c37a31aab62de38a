"""The embedded shape's task queue: Huey on SQLite, with a doorbell.

Huey's SQLite storage cannot block, so an idle consumer polls with a backoff that grows to ten
seconds: a reply queued after a quiet minute could wait that long before its send task starts.
Here an enqueue in this process rings a bell that wakes a waiting worker at once; an enqueue from
another process (``helpline ingest-email``, a second ``helpline worker``) is seen by the next poll,
at most ``poll_interval`` seconds later.
"""

from __future__ import annotations

import threading
import time

from huey import Huey
from huey.storage import SqliteStorage


class DoorbellSqliteStorage(SqliteStorage):
    blocking = True  # dequeue() waits itself, so the consumer's worker does not sleep with backoff

    def __init__(self, *args, poll_interval: float = 0.5, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll_interval = poll_interval
        self._bell = threading.Condition()
        self._rings = 0

    def enqueue(self, data, priority=None):
        super().enqueue(data, priority=priority)
        with self._bell:
            self._rings += 1
            self._bell.notify_all()

    def dequeue(self):
        deadline = time.monotonic() + self.poll_interval
        while True:
            rings_seen = self._rings
            data = super().dequeue()
            remaining = deadline - time.monotonic()
            if data is not None or remaining <= 0:
                return data
            with self._bell:
                self._bell.wait_for(lambda seen=rings_seen: self._rings != seen, timeout=remaining)


class EmbeddedHuey(Huey):
    storage_class = DoorbellSqliteStorage
