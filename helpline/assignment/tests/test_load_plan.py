"""Automatic assignment counts each agent's waiting tickets through an index of assigned tickets by status,
not by walking every ticket the agent ever had (resolved and closed ones included)."""

import pytest
from django.db import connection

from helpline.assignment.selectors import open_ticket_counts
from helpline.testing.plans import select_plans


def test_the_load_count_searches_the_assignee_load_index(account, make_ticket):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")
    ticket = make_ticket(account)
    count = lambda: open_ticket_counts(account.pk, [1, 2, 3], exclude_ticket_id=ticket.pk)  # noqa: E731
    assert select_plans(count, "conversations_ticket") == [
        "SEARCH conversations_ticket USING COVERING INDEX ticket_assignee_load"
        " (account_id=? AND assignee_id=? AND status=?)"
    ]
