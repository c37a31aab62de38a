"""Two workers sweeping at the same moment announce each breach exactly once (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from helpline.sla.tests.conftest import utc

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_fire_each_breach_once(account, make_level, make_sla_rule, make_ticket, clock, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    from helpline.events import types as ev
    from helpline.sla.actions import alarms
    from helpline.sla.models import SlaState

    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60}}, warning_value=10))
    tickets = [make_ticket(account, email=f"c{i}@example.com") for i in range(40)]
    assert SlaState.objects.filter(ticket__in=tickets, next_check_at__isnull=False).count() == 40

    fired, lock = [], threading.Lock()

    def record(event):
        with lock:
            fired.append(event)

    monkeypatch.setattr(alarms, "publish_on_commit", record)
    clock.set(utc(2026, 3, 2, 9, 30))
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            alarms.fire_due_alarms(batch=7)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    breaches = sorted(e.ticket_id for e in fired if isinstance(e, ev.SlaBreached))
    warnings = sorted(e.ticket_id for e in fired if isinstance(e, ev.SlaWarning))
    assert breaches == sorted(t.pk for t in tickets)
    assert warnings == sorted(t.pk for t in tickets)
    assert SlaState.objects.filter(ticket__in=tickets, fr_breached_at__isnull=True).count() == 0
    assert alarms.fire_due_alarms() == 0
