"""Walking every page returns every ticket exactly once, in order, under any filter."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import set_tags
from helpline.conversations.models import Ticket


def _walk(api, params, limit):
    seen, cursor, pages = [], None, 0
    while True:
        response = api.get("/tickets", {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        seen += [t["id"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.fixture
def many(account, make_ticket):
    tickets = [make_ticket(account, subject=f"T{n}", email=f"c{n % 3}@example.com") for n in range(11)]
    for t in tickets[::2]:
        set_tags(ticket=t, names=["even"])
    # Several tickets with the very same activity time: the id breaks the tie.
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:4]]).update(last_activity_at=tickets[0].last_activity_at)
    return Ticket.objects.filter(account=account)


@pytest.mark.parametrize("limit", [1, 3, 5, 11, 100])
def test_walk_all_tickets(api, many, limit):
    expected = list(many.order_by("-last_activity_at", "-pk").values_list("public_id", flat=True))

    seen, pages = _walk(api, {}, limit)

    assert seen == expected
    assert len(set(seen)) == 11
    assert pages == -(-11 // limit)


def test_walk_a_tag(api, many):
    tagged = many.filter(tickettag__tag__name="even").order_by("-tickettag__last_activity_at", "-pk")

    seen, pages = _walk(api, {"tag": "even"}, 2)

    assert seen == list(tagged.values_list("public_id", flat=True))
    assert (len(seen), pages) == (6, 3)


def test_walk_is_stable_when_a_ticket_moves(api, many, account, make_ticket):
    """New activity after page one moves a ticket to the top; the walk neither repeats nor skips the others."""
    first = api.get("/tickets", {"limit": 4}).json()
    make_ticket(account, subject="Brand new", email="new@example.com")

    rest, _pages = _walk_from(api, first["next_cursor"], 4)

    seen = [t["id"] for t in first["items"]] + rest
    assert len(seen) == len(set(seen)) == 11


def _walk_from(api, cursor, limit):
    seen, pages = [], 0
    while cursor:
        body = api.get("/tickets", {"limit": limit, "cursor": cursor}).json()
        seen += [t["id"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
    return seen, pages
