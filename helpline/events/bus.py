"""Publish events after the surrounding transaction commits; dispatch to the subscriber table.

One action often publishes several events about one ticket (a new email: ticket created, message received,
participants added). Every hook of a commit runs after that commit, so all of them see the same final state:
a subscriber that only needs to know *which* object changed (the search index, the agents' live refresh) says
so with ``coalesce_by`` and runs once per key per commit instead of once per event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import replace

from django.db import transaction

from helpline.events import causation
from helpline.events.types import Event

log = logging.getLogger(__name__)


MAX_SCAN = 200  # pending hooks; in a bigger commit (a bulk action) every event runs every subscriber


class _AfterCommit:
    """The hook of one event, and which (coalescing subscriber, key) pairs it runs for its whole commit."""

    def __init__(self, event: Event, owned: set[tuple[Callable, Hashable]], skipped: set[Callable]):
        self.event = event
        self.owned = owned
        self.skipped = skipped
        self.ran = False
        self.__qualname__ = f"dispatch({event.name})"  # what Django logs if the hook itself fails

    def __call__(self) -> None:
        self.ran = True
        dispatch(self.event, skip=self.skipped)


def publish_on_commit(event: Event) -> None:
    """Run the event's subscribers once the current transaction commits (at once outside a transaction).

    A coalescing subscriber whose key an earlier hook of this transaction already owns is skipped: that hook
    runs after the commit too and sees the same state. Hooks dropped by a savepoint rollback are no longer in
    Django's list, so they own nothing."""
    from helpline.events.subscribers import subscribers_for

    chain = causation.current()
    if chain and not event.causation:
        event = replace(event, causation=chain)  # caused by an event rule's action: carry the chain
    connection = transaction.get_connection()
    pending = connection.run_on_commit if connection.in_atomic_block else []
    taken: set[tuple[Callable, Hashable]] = set()
    if 0 < len(pending) <= MAX_SCAN:
        for _sids, hook, _robust in pending:
            if isinstance(hook, _AfterCommit) and not hook.ran:
                taken |= hook.owned
    owned, skipped = set(), set()
    for subscriber in subscribers_for(type(event)):
        key = getattr(subscriber, "coalesce_key", None)
        if key is None:
            continue
        pair = (subscriber, key(event))
        (skipped.add(subscriber) if pair in taken else owned.add(pair))
    transaction.on_commit(_AfterCommit(event, owned, skipped), robust=True)


def coalesce_by(key: Callable[[Event], Hashable]):
    """Mark a subscriber that needs to run once per ``key(event)`` per commit, not once per event."""

    def mark(subscriber):
        subscriber.coalesce_key = key
        return subscriber

    return mark


def dispatch(event: Event, skip: set[Callable] = frozenset()) -> None:
    """Call every subscriber of this event type. One failing subscriber never stops the others."""
    from helpline.events.subscribers import subscribers_for

    for subscriber in subscribers_for(type(event)):
        if subscriber in skip:
            continue
        try:
            subscriber(event)
        except Exception:
            log.exception("subscriber %s failed on %s", subscriber.__qualname__, event.name)
