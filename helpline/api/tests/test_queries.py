"""The ticket list costs the same number of queries for any page size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.actions import set_tags, transfer_ticket
from helpline.tenancy.selectors import list_departments


def _fill(account, make_ticket, agent, n):
    department = list_departments(account)[0]
    for i in range(n):
        ticket = make_ticket(account, subject=f"T{i}", email=f"c{i}@example.com")
        set_tags(ticket=ticket, names=[f"t{i}", "common"])
        transfer_ticket(ticket=ticket, department=department, assignee=agent if i % 2 else None)


def _count(api, params):
    api.get("/tickets", params)  # the key's last_used_at is written at most once a minute: warm it
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/tickets", params)
    assert response.status_code == 200
    return len(response.json()["items"]), len(queries)


def test_ticket_list_queries_do_not_grow_with_the_page(api, account, make_ticket, agent):
    _fill(account, make_ticket, agent, 5)
    small = _count(api, {"limit": 100})
    _fill(account, make_ticket, agent, 35)
    large = _count(api, {"limit": 100})

    # the key, the page of tickets (contact, assignee, department joined), their tags, their custom field values
    assert small == (5, 4)
    assert large == (40, 4)


def test_filtered_list_queries_are_fixed_too(api, account, make_ticket, agent):
    params = {"tag": "common", "assignee": agent.public_id, "department": list_departments(account)[0].public_id}
    _fill(account, make_ticket, agent, 4)
    small = _count(api, params)
    _fill(account, make_ticket, agent, 20)
    large = _count(api, params)

    assert (small[0], large[0]) == (2, 12)
    assert small[1] == large[1]


def test_other_lists_are_fixed(api, ticket, agent):
    from helpline.conversations.actions import send_reply

    for n in range(3):
        send_reply(ticket=ticket, author=agent, text=f"r{n}")
    path = f"/tickets/{ticket.public_id}/messages"
    api.get(path)
    with CaptureQueriesContext(connection) as few:
        api.get(path)
    for n in range(20):
        send_reply(ticket=ticket, author=agent, text=f"more {n}")
    with CaptureQueriesContext(connection) as more:
        api.get(path)

    assert len(few) == len(more)
