"""Decisions the after-commit subscribers take once per batch instead of once per event.

A bulk job commits a hundred tickets at a time, and each ticket publishes its own event. Whether the account has
any enabled rule for the trigger, any webhook for the event type, or its survey switched on is the same answer for
all of them: inside ``once_per_batch()`` a subscriber asks ``decide(key, compute)`` and ``compute`` runs once per
key for the whole block (one query per chunk instead of one per ticket). Outside a block ``compute`` runs every
time, so a single change reads the current state as before.

Every event still reaches every subscriber: only the "is there anything to do" lookups are shared, and the block
covers one commit's hooks, so a rule or webhook switched on after that commit is seen by the next chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_decided: ContextVar[dict | None] = ContextVar("helpline_batch_decisions", default=None)


@contextmanager
def once_per_batch() -> Iterator[None]:
    """Share ``decide`` answers until the block ends (a bulk job opens one per chunk)."""
    token = _decided.set({})
    try:
        yield
    finally:
        _decided.reset(token)


def batching() -> bool:
    """Whether a ``once_per_batch()`` block is open (a subscriber may skip a check it would repeat anyway)."""
    return _decided.get() is not None


def decide(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or inside ``once_per_batch()`` the answer it gave for ``key`` earlier in the block."""
    decided = _decided.get()
    if decided is None:
        return compute()
    if key not in decided:
        decided[key] = compute()
    return decided[key]
