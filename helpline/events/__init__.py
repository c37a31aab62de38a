"""Typed domain events, published after commit to an explicit subscriber table."""

from helpline.events.bus import dispatch, publish_on_commit
from helpline.events.types import *  # noqa: F403
from helpline.events.types import ALL_EVENTS, Event

__all__ = ["ALL_EVENTS", "Event", "dispatch", "publish_on_commit"]
