"""The routing strategies: given the agents who may take a chat, whom to ring now. Pure functions.

Each candidate carries its running chats (``load``), its priority (1 first … 100 last) and its user id;
ties always break the same way (priority, then the agent who joined the account first), so routing is
predictable and testable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from helpline.routing.models import Strategy


@dataclass(frozen=True)
class Candidate:
    user_id: int
    load: int  # running chats (idle chats do not count)
    limit: int
    priority: int


def pick_random(candidates: list[Candidate]) -> Candidate:
    """Module-level so a test can make the draw predictable."""
    return random.choice(candidates)  # noqa: S311 - fairness, not security


def _stable(c: Candidate) -> tuple:
    return (c.priority, c.user_id)


def choose(strategy: str, candidates: list[Candidate]) -> list[int]:
    """User ids to ring, in order. ``candidates`` all have a free slot."""
    if not candidates:
        return []
    if strategy == Strategy.RING_ALL:
        return [c.user_id for c in sorted(candidates, key=_stable)]
    if strategy == Strategy.RANDOM:
        return [pick_random(sorted(candidates, key=_stable)).user_id]
    if strategy == Strategy.LEAST_BUSY:
        return [min(candidates, key=lambda c: (c.load, *_stable(c))).user_id]
    if strategy == Strategy.FILL_UP:
        return [min(candidates, key=lambda c: (-c.load, *_stable(c))).user_id]
    if strategy == Strategy.PRIORITIES:
        best = min(c.priority for c in candidates)
        return [c.user_id for c in sorted(candidates, key=_stable) if c.priority == best]
    raise ValueError(strategy)
