"""List views render in a fixed number of queries, however many rows they show."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.actions import add_note, assign_ticket, send_reply, transfer_ticket
from helpline.tenancy.models import Department

# Session, user, membership, the filter bar's agents, departments, tags, brands and custom fields (cached per
# account), the agent's saved filters (cached), the page of tickets, their tags, the eight status counts in one
# query (cached briefly), the account switcher's memberships.
INBOX_QUERIES = 13
# The same page once the filter lists and the counts are cached.
INBOX_QUERIES_CACHED = 6


def _make_tickets(account, make_ticket, agents, n: int, start: int = 0):
    departments = list(Department.objects.filter(account=account))
    for i in range(start, start + n):
        ticket = make_ticket(account, subject=f"Ticket {i}", email=f"c{i}@example.com", tags=[f"t{i % 3}", "all"])
        assign_ticket(ticket=ticket, assignee=agents[i % len(agents)])
        transfer_ticket(ticket=ticket, department=departments[i % len(departments)])


def _count_queries(client, url: str, *, cached: bool = False) -> int:
    if not cached:
        cache.clear()  # the status counts and the filter lists are cached; measure the uncached page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_for_5_and_40_tickets(owner_client, account, owner, agent, make_ticket):
    _make_tickets(account, make_ticket, [owner, agent], 5)
    with_5 = _count_queries(owner_client, "/agent/")
    assert len(owner_client.get("/agent/").context["tickets"]) == 5
    _make_tickets(account, make_ticket, [owner, agent], 35, start=5)
    with_40 = _count_queries(owner_client, "/agent/")
    assert len(owner_client.get("/agent/").context["tickets"]) == 40
    assert with_5 == with_40 == INBOX_QUERIES
    assert _count_queries(owner_client, "/agent/", cached=True) == INBOX_QUERIES_CACHED


def test_the_inbox_counts_every_status_in_one_query(owner_client, account, owner, agent, make_ticket):
    _make_tickets(account, make_ticket, [owner, agent], 3)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get("/agent/?channel=web")
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counting) == 1
    # Under a filter: one grouped pass over the newest matches (helpline.conversations.selectors).
    assert "GROUP BY" in counting[0] and counting[0].count("COUNT(") == 1
    assert [(row["value"], row["count"]) for row in response.context["counts"]] == [
        ("", 3),
        ("new", 3),
        ("open", 0),
        ("answered", 0),
        ("postponed", 0),
        ("resolved", 0),
        ("spam", 0),
        ("deleted", 0),
    ]


def test_the_filtered_inbox_partial_costs_the_same_queries_for_5_and_40(
    owner_client, account, owner, agent, make_ticket
):
    url = "/agent/?tag=all&assignee=me"
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "ticket-list"}
    _make_tickets(account, make_ticket, [owner], 5)

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(url, **headers)
        assert response.status_code == 200
        return len(queries), len(response.context["tickets"])

    assert measure()[1] == 5
    small = measure()[0]
    _make_tickets(account, make_ticket, [owner], 35, start=5)
    large, shown = measure()
    assert shown == 40
    # The page's 13 less the account switcher (a partial), plus the agent and the tag looked up by the list
    # and again by the counts.
    assert small == large == 16


def test_the_ticket_page_costs_the_same_queries_for_a_short_and_a_long_thread(owner_client, ticket, owner):
    url = f"/agent/tickets/{ticket.public_id}/"
    short = _count_queries(owner_client, url)
    for i in range(10):
        send_reply(ticket=ticket, author=owner, text=f"Reply {i}")
        add_note(ticket=ticket, author=owner, text=f"Note {i}")
    long = _count_queries(owner_client, url)
    assert short == long
