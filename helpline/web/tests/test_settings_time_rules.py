"""Settings → Time rules: list, editor, enable, order, delete, "Test on a ticket"; permissions and isolation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.automation.actions import create_time_rule
from helpline.automation.models import TimeRule
from helpline.calendars.models import BusinessCalendar
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in

pytestmark = pytest.mark.django_db
URL = "/agent/settings/time-rules/"
CONDITIONS = {"match": "all", "groups": [{"match": "all", "conditions": [
    {"field": "ticket.status", "op": "eq", "value": "answered"}]}]}  # fmt: skip
ACTIONS = [{"type": "set_status", "status": "resolved"}]


def _rule(account, name="Close answered", **overrides):
    fields = {"name": name, "clock": "agent_message", "after_minutes": 3 * 24 * 60, "conditions": CONDITIONS,
              "actions": ACTIONS, "actor": Actor()}  # fmt: skip
    return create_time_rule(account=account, **{**fields, **overrides})


def _form(**overrides):
    values = {"name": "Close answered", "note": "", "after": "3", "unit": "days", "clock": "agent_message",
              "hours": "calendar", "calendar": "", "enabled": "on", "conditions": json.dumps(CONDITIONS),
              "actions": json.dumps(ACTIONS)}  # fmt: skip
    return {**values, **overrides}


def test_list_in_order_with_usage_and_fixed_queries(owner_client, account):
    calendar = BusinessCalendar.objects.create(account=account, name="Office", weekly={"mon": [["09:00", "17:00"]]})
    for n in range(3):
        _rule(account, name=f"r{n}", hours="business", calendar=calendar.public_id)
    owner_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        page = owner_client.get(URL)
    for n in range(3, 12):
        _rule(account, name=f"r{n}", hours="business", calendar=calendar.public_id)
    with CaptureQueriesContext(connection) as many:
        owner_client.get(URL)

    assert page.status_code == 200
    assert [r.name for r in page.context["rules"]] == ["r0", "r1", "r2"]
    assert page.context["usage"]["used"] == 3
    assert "4320 minutes since the last agent reply (business hours of Office)" in " ".join(
        page.content.decode().split()
    )
    assert len(many) == len(few)


def test_create_from_the_editor_in_business_hours(owner_client, account):
    calendar = BusinessCalendar.objects.create(account=account, name="Office", weekly={"mon": [["09:00", "17:00"]]})
    response = owner_client.post(URL + "new/", _form(after="4", unit="hours", hours="business",
                                                     calendar=calendar.public_id))  # fmt: skip
    rule = TimeRule.objects.get(account=account)
    assert response.status_code == 302 and response["Location"] == f"{URL}{rule.public_id}/"
    assert (rule.clock, rule.after_minutes, rule.hours, rule.calendar_id, rule.actions) == (
        "agent_message", 240, "business", calendar.pk, ACTIONS,
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="time_rule.created", subject_id=rule.public_id).count() == 1
    page = owner_client.get(response["Location"])
    assert page.status_code == 200 and page.context["after"] == 4 and page.context["unit"] == "hours"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"after": "2", "unit": "minutes"}, "Must be between 5 minutes and 527040 minutes (a year)."),
        ({"hours": "business"}, "Choose the business-hours calendar to count in."),
        ({"clock": "sunrise"}, "Must be one of: created, customer_message, agent_message, status_changed."),
        ({"conditions": json.dumps({"groups": [{"conditions": [{"field": "event.to_status", "op": "eq",
                                                                "value": "open"}]}]})},
         "Group 1, condition 1: A time rule has no event: event.to_status is for event rules."),
        ({"actions": "[]"}, "Actions: Add at least one action."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(owner_client, account, overrides, message):
    response = owner_client.post(URL + "new/", _form(**overrides))
    assert response.status_code == 422
    assert response.context["error"].endswith(message)
    assert TimeRule.objects.count() == 0


def test_enable_move_edit_and_delete(owner_client, account):
    first, second = _rule(account, name="first"), _rule(account, name="second")
    assert owner_client.post(f"{URL}{first.public_id}/enabled/").status_code == 302
    assert owner_client.post(f"{URL}{second.public_id}/move/", {"direction": "up"}).status_code == 302
    assert list(TimeRule.objects.order_by("position").values_list("name", "enabled")) == [
        ("second", True), ("first", False),
    ]  # fmt: skip
    response = owner_client.post(f"{URL}{first.public_id}/", _form(name="renamed", after="90", unit="minutes"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.after_minutes, first.enabled) == ("renamed", 90, True)
    assert owner_client.post(f"{URL}{second.public_id}/delete/").status_code == 302
    assert list(TimeRule.objects.values_list("name", flat=True)) == ["renamed"]
    assert AuditEntry.objects.filter(action="time_rule.deleted").count() == 1


def test_test_on_a_ticket_shows_the_clock_and_changes_nothing(owner_client, account, make_ticket):
    ticket = make_ticket(account)
    Ticket.objects.filter(pk=ticket.pk).update(status="answered",
                                               last_agent_message_at=clock.now() - timedelta(days=4))  # fmt: skip
    rule = _rule(account)
    response = owner_client.get(f"{URL}{rule.public_id}/test/", {"ticket": ticket.code}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-clock-due="true"' in html and 'data-would-fire="true"' in html
    assert 'data-matched="true"' in html
    ticket.refresh_from_db()
    assert ticket.status == "answered"
    missing = owner_client.get(f"{URL}{rule.public_id}/test/", {"ticket": "NOPE-1"}, **HTMX)
    assert missing.status_code == 422 and "No ticket has the code NOPE-1." in missing.content.decode()


def test_agents_without_the_permission_get_403(agent_client, account):
    rule = _rule(account)
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(f"{URL}{rule.public_id}/delete/").status_code == 403
    assert TimeRule.objects.count() == 1


def test_another_accounts_rules_and_tickets_are_not_found(account, other_account, make_ticket):
    theirs = _rule(other_account, name="Theirs")
    their_ticket = make_ticket(other_account)
    mine = _rule(account, name="Mine")
    client = signed_in(account.owner, account)
    assert b"Theirs" not in client.get(URL).content
    assert client.get(f"{URL}{theirs.public_id}/").status_code == 404
    assert client.post(f"{URL}{theirs.public_id}/delete/").status_code == 404
    assert client.post(f"{URL}{theirs.public_id}/enabled/").status_code == 404
    test = client.get(f"{URL}{mine.public_id}/test/", {"ticket": their_ticket.code}, **HTMX)
    assert test.status_code == 422
    assert TimeRule.objects.filter(account=other_account, enabled=True).count() == 1
