"""Routing fixtures: a controllable clock, chat tickets, agents online for chat, captured events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.core import clock as core_clock
from helpline.events import bus


class FakeClock:
    def __init__(self):
        self.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self):
        return self.current

    def advance(self, seconds: float) -> datetime:
        self.current += timedelta(seconds=seconds)
        return self.current


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(core_clock, "now", fake.now)
    return fake


@pytest.fixture
def events(monkeypatch):
    """Events dispatched after commit, in order. Use with django_capture_on_commit_callbacks(execute=True)."""
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, **_options: seen.append(event))
    return seen


@pytest.fixture
def chat_ticket(make_ticket):
    from helpline.conversations.actions import change_status

    counter = {"n": 0}

    def make(account, email: str | None = None, **kwargs):
        counter["n"] += 1
        ticket = make_ticket(
            account,
            subject="Chat",
            body="Hello?",
            email=email or f"visitor{counter['n']}@example.com",
            channel="chat",
            **kwargs,
        )
        return change_status(ticket=ticket, status="chatting", allow_live=True)

    return make


@pytest.fixture
def agents(account, make_agent):
    """Three agents, created in this order: Ann, Ben, Cat."""
    return [make_agent(account, f"{name.lower()}@acme.test", name) for name in ("Ann", "Ben", "Cat")]


@pytest.fixture
def go_online():
    from helpline.routing.actions import set_presence

    def online(account, *users, channel: str = "chat"):
        for user in users:
            set_presence(account=account, user=user, channel=channel, state="online")

    return online
