"""The causation chain: which event rules led to an event, so automation never loops.

While an event rule runs its actions, ``caused_by(chain)`` is in effect; every event published meanwhile carries
that chain (``Event.causation``: rule ids, first to last). The rule engine refuses to run a rule already in an
event's chain and stops a chain at a bounded depth.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_chain: ContextVar[tuple[int, ...]] = ContextVar("causation", default=())


def current() -> tuple[int, ...]:
    return _chain.get()


@contextmanager
def caused_by(chain: tuple[int, ...]):
    token = _chain.set(chain)
    try:
        yield
    finally:
        _chain.reset(token)
