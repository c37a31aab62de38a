"""The sidebar's status counts under filters: one pass over the newest matching tickets, counted by status;
"at least" (capped) when the pass stopped before the oldest ones."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations import selectors
from helpline.conversations.actions import change_status, tag_ticket
from helpline.conversations.selectors import TicketFilter, count_tickets_by_status

STATUSES = ["", "new", "open", "resolved", "spam"]


@pytest.fixture
def tagged(account, make_ticket):
    tickets = [make_ticket(account, subject=f"T{n}") for n in range(5)]
    for ticket, status in zip(tickets, ["open", "open", "resolved", "spam", "new"], strict=True):
        if status != "new":
            change_status(ticket=ticket, status=status)
        tag_ticket(ticket=ticket, names=["vip"])
    make_ticket(account, subject="untagged")
    cache.clear()
    return tickets


def test_counts_under_a_tag_come_from_one_pass(account, tagged):
    with CaptureQueriesContext(connection) as ctx:
        counts = count_tickets_by_status(account, TicketFilter(tag="vip"), STATUSES)

    assert counts == {"": (4, False), "new": (1, False), "open": (2, False), "resolved": (1, False), "spam": (1, False)}
    grouped = [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1


def test_a_pass_that_stops_early_marks_every_count_as_at_least(account, tagged, monkeypatch):
    monkeypatch.setattr(selectors, "PASS_CAP", 3)

    counts = count_tickets_by_status(account, TicketFilter(tag="vip"), STATUSES)

    assert sum(n for status, (n, _capped) in counts.items() if status) == 3
    assert all(capped for _n, capped in counts.values())


def test_without_other_filters_each_status_reads_its_own_index_head(account, tagged):
    with CaptureQueriesContext(connection) as ctx:
        counts = count_tickets_by_status(account, TicketFilter(), STATUSES)

    assert counts == {"": (5, False), "new": (2, False), "open": (2, False), "resolved": (1, False), "spam": (1, False)}
    assert not [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
