"""Round robin stays fair when tickets are assigned at the same moment (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from helpline.assignment.actions import assign_automatically
from helpline.assignment.models import AssignmentSetting
from helpline.assignment.tests.conftest import connect


@pytest.mark.django_db(transaction=True)
def test_concurrent_round_robin_assignments_take_turns(account, team, make_ticket):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database cannot hold concurrent writers; PostgreSQL runs this test")
    support, agents = team
    for agent in agents:
        connect(account, agent)
    tickets = [make_ticket(account, department=support) for _ in range(6)]
    barrier = threading.Barrier(len(tickets))
    chosen, errors = [], []

    def assign(ticket):
        try:
            barrier.wait(timeout=10)
            chosen.append(assign_automatically(ticket, "round_robin").pk)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Counter(chosen) == {agent.pk: 2 for agent in agents}  # six tickets, three agents: two each
    assert AssignmentSetting.objects.filter(account=account, department=support).count() == 1  # one pointer row
