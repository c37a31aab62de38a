"""Who performs a write: an agent, an API key, a contact or the system."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    api_key: object | None = None

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


SYSTEM = Actor()
