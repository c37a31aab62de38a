"""Who performs a write: an agent, an API key, an event rule, a contact or the system."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    api_key: object | None = None
    rule: object | None = None  # an event rule (helpline.automation) acting on its own

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


SYSTEM = Actor()
