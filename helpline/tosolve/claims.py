"""Short-lived claims in the cache: which agent has a ticket open right now, and which ticket To solve handed out.

The ticket page claims its ticket for the agent when it opens and renews the claim while it stays open (every
``RENEW_SECONDS``); a claim nobody renews lapses after ``HOLD_SECONDS``. "To solve" skips tickets another agent
holds. The hand-out lets the reply action check an agent who may answer only through To solve.
"""

from __future__ import annotations

from django.core.cache import cache

HOLD_SECONDS = 90
RENEW_SECONDS = 40
HANDED_OUT_SECONDS = 12 * 60 * 60


def _hold_key(ticket_id: int) -> str:
    return f"tosolve:hold:{ticket_id}"


def hold(*, ticket_id: int, user_id: int) -> None:
    cache.set(_hold_key(ticket_id), user_id, HOLD_SECONDS)


def holder(ticket_id: int) -> int | None:
    return cache.get(_hold_key(ticket_id))


def held_by_others(ticket_ids: list[int], user_id: int) -> set[int]:
    """Of these tickets, the ones another agent has open right now."""
    held = cache.get_many([_hold_key(pk) for pk in ticket_ids])
    return {pk for pk in ticket_ids if held.get(_hold_key(pk)) not in (None, user_id)}


def _handed_key(account_id: int, user_id: int) -> str:
    return f"tosolve:handed:{account_id}:{user_id}"


def hand_out(*, account_id: int, user_id: int, ticket_id: int) -> None:
    cache.set(_handed_key(account_id, user_id), ticket_id, HANDED_OUT_SECONDS)


def handed_out(*, account_id: int, user_id: int) -> int | None:
    return cache.get(_handed_key(account_id, user_id))
