"""Warnings and breaches: announced once per target by the sweep, feeding event rules and webhooks."""

from __future__ import annotations

import pytest

from helpline.events import types as ev
from helpline.sla.actions import fire_due_alarms
from helpline.sla.tests.conftest import state_of, utc


@pytest.fixture
def published(monkeypatch):
    from helpline.sla.actions import alarms

    seen = []
    original = alarms.publish_on_commit

    def record(event):
        seen.append(event)
        original(event)

    monkeypatch.setattr(alarms, "publish_on_commit", record)
    return seen


def _ticket(run, make_ticket, account):
    ticket = run(make_ticket, account)
    ticket.refresh_from_db()
    return ticket


def test_the_warning_and_the_breach_fire_once_each(
    account, make_level, make_sla_rule, make_ticket, run, clock, published
):
    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60}}, warning_value=10))
    ticket = _ticket(run, make_ticket, account)
    assert state_of(ticket).fr_warn_at == utc(2026, 3, 2, 8, 50)

    clock.set(utc(2026, 3, 2, 8, 49))
    assert run(fire_due_alarms) == 0
    clock.set(utc(2026, 3, 2, 8, 51))
    assert run(fire_due_alarms) == 1
    assert run(fire_due_alarms) == 0
    clock.set(utc(2026, 3, 2, 9, 0))
    assert run(fire_due_alarms) == 1
    clock.set(utc(2026, 3, 2, 9, 30))
    assert run(fire_due_alarms) == 0

    assert [(type(e), e.ticket_id, e.target, e.due_at) for e in published] == [
        (ev.SlaWarning, ticket.pk, "first_response", "2026-03-02T09:00:00Z"),
        (ev.SlaBreached, ticket.pk, "first_response", "2026-03-02T09:00:00Z"),
    ]
    state = state_of(ticket)
    assert (state.fr_warned_at, state.fr_breached_at) == (utc(2026, 3, 2, 8, 51), utc(2026, 3, 2, 9, 0))
    assert state.next_check_at is None


def test_a_paused_ticket_fires_nothing(account, owner, make_level, make_sla_rule, make_ticket, run, clock, published):
    from helpline.conversations.actions import send_reply

    make_sla_rule(account, make_level(account, targets={"resolution": {"normal": 60}}, warning_value=10))
    ticket = _ticket(run, make_ticket, account)
    clock.set(utc(2026, 3, 2, 8, 30))
    run(send_reply, ticket=ticket, author=owner, text="Answered")
    clock.set(utc(2026, 3, 2, 12, 0))

    assert run(fire_due_alarms) == 0
    assert published == []
    assert state_of(ticket).next_check_at is None


def test_a_breach_feeds_an_event_rule_and_a_webhook(
    account, make_level, make_sla_rule, make_ticket, run, clock, published
):
    from helpline.automation.actions import create_rule
    from helpline.core.actors import Actor
    from helpline.webhooks.actions import create_webhook
    from helpline.webhooks.models import WebhookDelivery

    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60}}))
    create_rule(account=account, name="Escalate", trigger="sla_breached", conditions={},
                actions=[{"type": "add_tags", "tags": ["overdue"]}, {"type": "set_priority", "priority": "urgent"}],
                actor=Actor(user=account.owner))  # fmt: skip
    hook, _secret = create_webhook(
        account=account, name="Hook", url="http://127.0.0.1:9/", event_types=["sla.breached"]
    )
    ticket = _ticket(run, make_ticket, account)
    assert list(ticket.tags.values_list("name", flat=True)) == []

    clock.set(utc(2026, 3, 2, 9, 1))
    run(fire_due_alarms)
    ticket.refresh_from_db()

    assert list(ticket.tags.values_list("name", flat=True)) == ["overdue"]
    assert ticket.priority == 4
    deliveries = list(WebhookDelivery.objects.filter(webhook=hook))
    assert len(deliveries) == 1
    data = deliveries[0].payload["data"]
    assert deliveries[0].payload["type"] == "sla.breached"
    assert data["ticket"]["id"] == ticket.public_id
    assert data["sla"]["target"] == "first_response"
    assert data["sla"]["due_at"] == "2026-03-02T09:00:00Z"
    run(fire_due_alarms)
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_a_target_met_late_is_recorded_as_breached_without_an_event(
    account, owner, make_level, make_sla_rule, make_ticket, run, clock, published
):
    from helpline.conversations.actions import send_reply

    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60}}))
    ticket = _ticket(run, make_ticket, account)
    clock.set(utc(2026, 3, 2, 9, 0, 30))  # answered 30 seconds late, before any sweep noticed
    run(send_reply, ticket=ticket, author=owner, text="Sorry for the wait")

    state = state_of(ticket)
    assert (state.fr_state, state.fr_breached_at) == ("done", utc(2026, 3, 2, 9, 0))
    assert run(fire_due_alarms) == 0
    assert published == []
