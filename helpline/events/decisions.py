"""What the after-commit subscribers do once per batch instead of once per event.

A bulk job commits a hundred tickets at a time, and an email delivery up to 32 mails; each ticket publishes its
own events. Inside ``once_per_batch()`` (opened around the batch's transaction, so its after-commit hooks run
inside the block):

* ``decide(key, compute)``: whether the account has any enabled rule for the trigger, any webhook for the event
  type, or its survey switched on is the same answer for every event of the batch; ``compute`` runs once per key
  for the whole block (one query per chunk instead of one per ticket). Outside a block it runs every time, so a
  single change reads the current state as before.
* ``gather(handler, item)``: work that is cheaper done for many items at once (the search documents of the
  batch's tickets, their notifications) is kept and done by ``handler(items)`` when the block ends, once the
  batch's commit and all its other subscribers ran. Outside a block ``gather`` says so and the caller acts now.

Every event still reaches every subscriber: only the "is there anything to do" lookups are shared and the
gathered work is done together, and the block covers one commit's hooks, so a rule or webhook switched on after
that commit is seen by the next chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class _Batch:
    def __init__(self) -> None:
        self.decided: dict = {}
        self.gathered: dict[Callable[[list], None], list] = {}  # in the order the handlers were first asked


_current: ContextVar[_Batch | None] = ContextVar("helpline_batch_decisions", default=None)


@contextmanager
def once_per_batch() -> Iterator[None]:
    """Share ``decide`` answers and gather work until the block ends (a bulk job opens one per chunk).

    The gathered work runs as the block ends, even when it ends by an error: it was gathered by after-commit
    hooks, so what it is about was committed. A failing handler is logged and never stops the others."""
    batch = _Batch()
    token = _current.set(batch)
    try:
        yield
    finally:
        try:
            _run_gathered(batch)
        finally:
            _current.reset(token)


def _run_gathered(batch: _Batch) -> None:
    while batch.gathered:  # a handler may gather more (for another handler): run until nothing is left
        gathered, batch.gathered = batch.gathered, {}
        for handler, items in gathered.items():
            try:
                handler(items)
            except Exception:
                log.exception("batched %s failed on %d items", handler.__qualname__, len(items))


def batching() -> bool:
    """Whether a ``once_per_batch()`` block is open (a subscriber may skip a check it would repeat anyway)."""
    return _current.get() is not None


def decide(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or inside ``once_per_batch()`` the answer it gave for ``key`` earlier in the block."""
    batch = _current.get()
    if batch is None:
        return compute()
    if key not in batch.decided:
        batch.decided[key] = compute()
    return batch.decided[key]


def gather(handler: Callable[[list], None], item) -> bool:
    """Inside ``once_per_batch()``: keep ``item`` for ``handler(items)`` at the block's end and say True.
    Outside a block: False, and the caller does the work now (usually ``handler([item])``)."""
    batch = _current.get()
    if batch is None:
        return False
    batch.gathered.setdefault(handler, []).append(item)
    return True
