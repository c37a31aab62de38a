"""Automation test helpers: rules made through the real actions, events run through the real bus."""

from __future__ import annotations

import pytest

from helpline.core.actors import Actor


@pytest.fixture
def make_rule(db):
    from helpline.automation.actions import create_rule

    def make(account, trigger="ticket_created", actions=None, conditions=None, name="Rule", enabled=True):
        return create_rule(
            account=account,
            name=name,
            trigger=trigger,
            conditions=conditions or {},
            actions=actions or [{"type": "add_tags", "tags": ["fired"]}],
            enabled=enabled,
            actor=Actor(user=getattr(account, "owner", None)),
        )

    return make


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a write and everything its events set off (rules and the writes of their actions)."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def tags_of(ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def where(conditions: list[dict], match: str = "all") -> dict:
    return {"match": "all", "groups": [{"match": match, "conditions": conditions}]}


def online(account, *users) -> None:
    """These agents have their workspace open (what automatic assignment, and the rules' strategies, look for)."""
    from helpline.core import clock
    from helpline.routing.models import AgentConnection

    for user in users:
        AgentConnection.objects.create(
            account=account, user=user, channel_name=f"test.{account.pk}.{user.pk}", connected_at=clock.now()
        )
