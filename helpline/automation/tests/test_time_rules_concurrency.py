"""Two workers running the sweep at once fire each time rule exactly once per ticket (PostgreSQL: two threads with
their own connections; SQLite, which serialises writers: one sweep after the other)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from helpline.automation.actions import create_time_rule
from helpline.automation.models import RuleExecution, TimeRuleFiring
from helpline.automation.timerules.sweep import sweep
from helpline.conversations.models import Ticket
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry

N = 20
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _desk(account, make_ticket):
    tickets = [make_ticket(account, email=f"c{i}@example.com") for i in range(N)]
    Ticket.objects.filter(account=account).update(last_customer_message_at=NOW - timedelta(hours=2))
    create_time_rule(account=account, name="Nudge", clock="customer_message", after_minutes=60,
                     actions=[{"type": "add_note", "text": "Waiting an hour"}, {"type": "add_tags", "tags": ["late"]}],
                     actor=Actor())  # fmt: skip
    return tickets


def _assert_once_per_ticket(account, fired: int) -> None:
    assert fired == N
    assert TimeRuleFiring.objects.count() == N
    assert RuleExecution.objects.filter(outcome="applied").count() == N
    notes = Ticket.objects.filter(account=account, messages__kind="note").values_list("pk", flat=True)
    assert sorted(notes) == sorted(Ticket.objects.filter(account=account).values_list("pk", flat=True))
    assert AuditEntry.objects.filter(action="ticket.tagged").count() == N


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_fire_once_per_ticket(account, make_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs the sequential test below")
    _desk(account, make_ticket)
    barrier = threading.Barrier(2)
    fired, errors = [], []

    def worker():
        try:
            barrier.wait()
            fired.append(sweep(NOW).fired)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(fired) == 2
    _assert_once_per_ticket(account, sum(fired))


@pytest.mark.django_db
def test_a_second_sweep_after_the_first_fires_nothing(account, make_ticket):
    _desk(account, make_ticket)
    first = sweep(NOW).fired
    second = sweep(NOW + timedelta(minutes=1)).fired
    assert second == 0
    _assert_once_per_ticket(account, first + second)


@pytest.mark.django_db
def test_a_worker_that_read_the_candidates_before_another_fired_skips_them(account, make_ticket):
    """The race itself, made deterministic: worker B judged the tickets, then worker A fired; B's inserts skip."""
    from helpline.automation.compiler import compile_rule
    from helpline.automation.models import TimeRule
    from helpline.automation.timerules.sweep import fire

    tickets = _desk(account, make_ticket)
    rule = TimeRule.objects.get()
    compiled = compile_rule(rule, {})
    state = NOW - timedelta(hours=2)
    assert sweep(NOW).fired == N
    assert [fire(rule, compiled, t, state) for t in tickets] == [False] * N
    _assert_once_per_ticket(account, N)
