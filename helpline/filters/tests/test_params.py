"""The one ticket filter definition: each parameter alone, combined, refused, and kept to the account."""

from __future__ import annotations

import pytest
from django.utils import timezone

from helpline.conversations.selectors import list_tickets
from helpline.filters.params import FilterError, filter_values, parse_filter


def _subjects(account, params: dict, user=None) -> list[str]:
    f = parse_filter(filter_values(params), account=account, user=user)
    tickets, _cursor = list_tickets(account, f, limit=100)
    return sorted(t.subject[-1] for t in tickets)


@pytest.mark.parametrize(
    ("params", "letters"),
    [
        ({}, list("abcdef")),
        ({"status": "open"}, ["a"]),
        ({"status": "new"}, list("bcdef")),
        ({"priority": "high"}, ["b"]),
        ({"tag": "billing"}, ["e"]),
        ({"channel": "email"}, ["f"]),
        ({"assignee": "unassigned"}, list("abcef")),
        ({"assignee": "none"}, list("abcef")),
        ({"sla": "overdue"}, ["a"]),
        ({"sla": "due_soon"}, ["b"]),
        ({"sla": "none"}, list("def")),
        ({"created_from": "2026-03-02", "created_to": "2026-03-04"}, list("bcd")),
        ({"created_from": "2026-03-05"}, list("ef")),
        ({"created_to": "2026-03-01"}, ["a"]),
        ({"activity_from": "2026-03-06"}, ["f"]),
        ({"activity_to": "2026-03-02"}, ["a", "b"]),
        ({"cf.plan": "Gold"}, ["a"]),
        ({"cf.plan": "Silver"}, ["b"]),
        ({"cf.note": "refund"}, ["a"]),
        ({"cf.seats": "12"}, ["a"]),
        ({"cf.seats": "12.0"}, ["a"]),
        ({"cf.renewal": "2026-05-01"}, ["a"]),
        ({"cf.vip": "true"}, ["a"]),
        ({"cf.vip": "false"}, list("bcdef")),
        ({"status": "new", "cf.vip": "false", "sla": "none"}, list("def")),
    ],
)
def test_each_filter(account, inbox, params, letters):
    with timezone.override("UTC"):
        assert _subjects(account, params) == letters


def test_reference_filters(account, agent, inbox):
    assert _subjects(account, {"department": inbox["department"].public_id}) == ["c"]
    assert _subjects(account, {"assignee": agent.public_id}) == ["d"]
    assert _subjects(account, {"assignee": "me"}, user=agent) == ["d"]
    assert _subjects(account, {"brand": inbox["brand"].public_id}) == ["f"]
    assert _subjects(account, {"company": inbox["company"].public_id}) == ["f"]
    assert _subjects(account, {"contact": inbox["c"].contact.public_id}) == ["c"]
    assert _subjects(account, {"department": inbox["department"].public_id, "tag": "billing"}) == []


def test_dates_follow_the_current_time_zone(account, inbox):
    # ticket a was created on 1 March 12:00 UTC, which is 2 March 01:00 in Auckland (UTC+13)
    with timezone.override("Pacific/Auckland"):
        assert _subjects(account, {"created_to": "2026-03-01"}) == []
        assert _subjects(account, {"created_from": "2026-03-02", "created_to": "2026-03-02"}) == ["a"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "lost"}, "status", "Unknown status lost."),
        ({"priority": "meh"}, "priority", "Unknown priority meh."),
        ({"sla": "late"}, "sla", "The SLA state is overdue, due_soon or none."),
        ({"created_from": "03/01/2026"}, "created_from", "Enter the date as YYYY-MM-DD."),
        ({"activity_to": "2026-13-01"}, "activity_to", "Enter the date as YYYY-MM-DD."),
        (
            {"created_from": "2026-03-05", "created_to": "2026-03-01"},
            "created_to",
            "The end date comes before the start date.",
        ),
        ({"department": "zzzz"}, "department", "There is no such department in this account."),
        ({"assignee": "zzzz"}, "assignee", "There is no such agent in this account."),
        ({"assignee": "me"}, "assignee", "“me” names the signed-in agent; use an agent id here."),
        ({"tag": "nope"}, "tag", "There is no tag named “nope”."),
        ({"brand": "zzzz"}, "brand", "There is no such brand in this account."),
        ({"contact": "zzzz"}, "contact", "There is no such contact in this account."),
        ({"company": "zzzz"}, "company", "There is no such company in this account."),
        ({"cf.nope": "x"}, "cf.nope", "There is no ticket field with the key nope."),
        ({"cf.plan": "Bronze"}, "cf.plan", "Plan: choose one of the listed values."),
        ({"cf.seats": "many"}, "cf.seats", "Seats: enter a number, such as 42 or 3.5."),
        ({"cf.vip": "perhaps"}, "cf.vip", "VIP: the value must be true or false."),
    ],
)
def test_bad_values_name_their_parameter(account, inbox, params, field, message):
    with pytest.raises(FilterError) as caught:
        parse_filter(filter_values(params), account=account)
    assert (caught.value.field, str(caught.value.message)) == (field, message)


def test_another_accounts_records_name_nothing(account, other_account, make_ticket):
    from helpline.conversations.actions import create_custom_field
    from helpline.people.actions import create_company
    from helpline.tenancy.actions import create_brand
    from helpline.tenancy.selectors import list_departments

    theirs = make_ticket(other_account, email="them@example.com")
    brand = create_brand(account=other_account, name="Theirs")
    company = create_company(account=other_account, name="Globex")
    create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    for params in [
        {"department": list_departments(other_account)[0].public_id},
        {"assignee": other_account.owner.public_id},
        {"brand": brand.public_id},
        {"company": company.public_id},
        {"contact": theirs.contact.public_id},
        {"cf.plan": "x"},
    ]:
        with pytest.raises(FilterError):
            parse_filter(filter_values(params), account=account)


def test_filter_values_keeps_known_and_field_parameters_only():
    values = filter_values({"status": " open ", "cf.plan": "Gold", "cf.empty": " ", "evil": "x", "q": "y" * 500})
    assert values["status"] == "open"
    assert values["cf.plan"] == "Gold"
    assert "cf.empty" not in values and "evil" not in values
    assert len(values["q"]) == 200
