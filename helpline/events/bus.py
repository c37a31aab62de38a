"""Publish events after the surrounding transaction commits; dispatch to the subscriber table."""

from __future__ import annotations

import logging

from django.db import transaction

from helpline.events.types import Event

log = logging.getLogger(__name__)


def publish_on_commit(event: Event) -> None:
    transaction.on_commit(lambda: dispatch(event), robust=True)


def dispatch(event: Event) -> None:
    """Call every subscriber of this event type. One failing subscriber never stops the others."""
    from helpline.events.subscribers import subscribers_for

    for subscriber in subscribers_for(type(event)):
        try:
            subscriber(event)
        except Exception:
            log.exception("subscriber %s failed on %s", subscriber.__qualname__, event.name)
