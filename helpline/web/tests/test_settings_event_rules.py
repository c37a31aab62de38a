"""Settings → Event rules: list, editor, enable, order, delete, "Test on ticket", the log; permissions and isolation."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.automation.actions import create_rule
from helpline.automation.models import Rule, RuleExecution
from helpline.conversations import actions as conv
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in

pytestmark = pytest.mark.django_db
URL = "/agent/settings/event-rules/"
CONDITIONS = {"match": "all", "groups": [{"match": "all", "conditions": [
    {"field": "ticket.subject", "op": "contains", "value": "fire"}]}]}  # fmt: skip
ACTIONS = [{"type": "set_priority", "priority": "urgent"}]
SLACK = "No such Slack webhook."
BAD_PRIORITY = {"groups": [{"conditions": [{"field": "ticket.priority", "op": "eq", "value": "x"}]}]}


def _rule(account, name="Fire!", **overrides):
    fields = {"name": name, "trigger": "ticket_created", "conditions": CONDITIONS, "actions": ACTIONS, "actor": Actor()}
    return create_rule(account=account, **{**fields, **overrides})


def _form(**overrides):
    values = {"name": "Fire!", "note": "Burning printers first", "trigger": "ticket_created", "enabled": "on",
              "conditions": json.dumps(CONDITIONS), "actions": json.dumps(ACTIONS)}  # fmt: skip
    return {**values, **overrides}


def _state(account):
    return list(Rule.objects.filter(account=account).values_list("name", "position", "enabled", "trigger", "actions"))


def test_list_in_order_with_usage_and_fixed_queries(owner_client, account):
    for n in range(3):
        _rule(account, name=f"r{n}")
    owner_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        page = owner_client.get(URL)
    for n in range(3, 12):
        _rule(account, name=f"r{n}")
    with CaptureQueriesContext(connection) as many:
        owner_client.get(URL)

    assert page.status_code == 200
    assert [r.name for r in page.context["rules"]] == ["r0", "r1", "r2"]
    assert page.context["usage"]["used"] == 3
    assert b"Ticket created" in page.content
    assert len(many) == len(few)


def test_create_from_the_editor(owner_client, account):
    assert owner_client.get(URL + "new/").status_code == 200

    response = owner_client.post(URL + "new/", _form())

    rule = Rule.objects.get(account=account)
    assert (response.status_code, response["Location"]) == (302, f"{URL}{rule.public_id}/")
    assert (rule.name, rule.note, rule.enabled, rule.conditions, rule.actions) == (
        "Fire!", "Burning printers first", True, CONDITIONS, ACTIONS,
    )  # fmt: skip
    assert AuditEntry.objects.get(action="event_rule.created").actor_user == account.owner


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Name: This field is required."),
        ({"actions": json.dumps([{"type": "notify_slack", "slack": "0000000000000000"}])}, f"Action 1: {SLACK}"),
        ({"actions": "[not json"}, "The rule's actions could not be read; reload the page and try again."),
        ({"conditions": json.dumps(BAD_PRIORITY)},
         "Group 1, condition 1: Must be one of: low, normal, high, urgent."),
        ({"trigger": "call_ended"}, "Trigger: The trigger “Call ended” is not available yet."),
    ],
)  # fmt: skip
def test_invalid_rules_are_a_422_with_the_message_and_nothing_saved(owner_client, account, overrides, message):
    response = owner_client.post(URL + "new/", _form(**overrides))

    assert response.status_code == 422
    assert response.context["error"] == message
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert Rule.objects.count() == 0


def test_edit(owner_client, account):
    rule = _rule(account)
    page = owner_client.get(f"{URL}{rule.public_id}/")
    assert page.status_code == 200
    assert json.loads(page.context["values"] and json.dumps(page.context["values"]["actions"])) == ACTIONS

    response = owner_client.post(f"{URL}{rule.public_id}/", _form(name="Renamed", enabled=""))

    assert response.status_code == 302
    assert _state(account) == [("Renamed", 1, False, "ticket_created", ACTIONS)]
    bad = owner_client.post(f"{URL}{rule.public_id}/", _form(name="Again", trigger="nope"))
    assert bad.status_code == 422
    assert _state(account) == [("Renamed", 1, False, "ticket_created", ACTIONS)]


def test_enable_move_and_delete(owner_client, account):
    a, b, c = (_rule(account, name=name) for name in "abc")

    owner_client.post(f"{URL}{a.public_id}/enabled/", {})
    assert _state(account)[0][2] is False
    owner_client.post(f"{URL}{a.public_id}/enabled/", {"enabled": "on"})
    assert _state(account)[0][2] is True

    owner_client.post(f"{URL}{c.public_id}/move/", {"direction": "up"})
    assert [row[0] for row in _state(account)] == ["a", "c", "b"]
    owner_client.post(f"{URL}{a.public_id}/move/", {"direction": "down"})
    assert [row[0] for row in _state(account)] == ["c", "a", "b"]
    owner_client.post(URL + "reorder/", {"rule": [b.public_id, a.public_id, c.public_id]})
    assert [row[0] for row in _state(account)] == ["b", "a", "c"]

    response = owner_client.post(f"{URL}{b.public_id}/delete/")
    assert (response.status_code, response["Location"]) == (302, URL)
    assert [row[0] for row in _state(account)] == ["a", "c"]


def test_test_on_a_ticket_shows_what_would_happen_and_changes_nothing(owner_client, account, ticket):
    rule = _rule(account)
    audit_rows = AuditEntry.objects.count()

    page = owner_client.get(f"{URL}{rule.public_id}/test/", {"ticket": ticket.code}, **HTMX)

    assert page.status_code == 200
    html = page.content.decode()
    assert f"The conditions hold for ticket {ticket.code}: the rule would act." in html
    assert "Ticket subject contains fire" in html
    assert "Printer on fire" in html
    assert "Set priority to Urgent" in html
    ticket.refresh_from_db()
    assert (ticket.priority, AuditEntry.objects.count(), RuleExecution.objects.count()) == (2, audit_rows, 0)

    full = owner_client.get(f"{URL}{rule.public_id}/test/", {"ticket": ticket.code})
    assert full.status_code == 200 and "Set priority to Urgent" in full.content.decode()
    missing = owner_client.get(f"{URL}{rule.public_id}/test/", {"ticket": "NOP-000-00000"}, **HTMX)
    assert missing.status_code == 422
    assert "No ticket has the code NOP-000-00000." in missing.content.decode()


def test_execution_log_per_rule_and_per_ticket(owner_client, account, make_ticket, django_capture_on_commit_callbacks):
    rule = _rule(account, conditions={})
    with django_capture_on_commit_callbacks(execute=True):
        first = make_ticket(account, email="a@example.com")
        second = make_ticket(account, email="b@example.com")

    rule_page = owner_client.get(f"{URL}{rule.public_id}/")
    by_rule = owner_client.get(URL + "log/", {"rule": rule.public_id})
    by_ticket = owner_client.get(URL + "log/", {"ticket": first.code})

    assert [x.ticket for x in rule_page.context["executions"]] == [second, first]
    assert [x.ticket for x in by_rule.context["executions"]] == [second, first]
    assert [x.ticket for x in by_ticket.context["executions"]] == [first]
    assert "Set priority to Urgent" in by_ticket.content.decode()
    assert owner_client.get(URL + "log/", {"ticket": "NOP-000-00000"}).status_code == 404


def test_agents_without_the_settings_permission_get_403(agent_client, account):
    rule = _rule(account)
    for response in (
        agent_client.get(URL),
        agent_client.get(URL + "new/"),
        agent_client.post(URL + "new/", _form(name="Sneaky")),
        agent_client.post(f"{URL}{rule.public_id}/delete/"),
        agent_client.get(URL + "log/"),
    ):
        assert response.status_code == 403
    assert _state(account) == [("Fire!", 1, True, "ticket_created", ACTIONS)]


def test_another_account_gets_404_and_changes_nothing(account, other_account, ticket):
    rule = _rule(account)
    other = signed_in(other_account.owner, other_account)
    before = _state(account)

    for response in (
        other.get(f"{URL}{rule.public_id}/"),
        other.post(f"{URL}{rule.public_id}/", _form(name="Hijacked")),
        other.post(f"{URL}{rule.public_id}/enabled/", {}),
        other.post(f"{URL}{rule.public_id}/move/", {"direction": "down"}),
        other.post(f"{URL}{rule.public_id}/delete/"),
        other.get(f"{URL}{rule.public_id}/test/", {"ticket": ticket.code}),
        other.get(URL + "log/", {"rule": rule.public_id}),
    ):
        assert response.status_code == 404
    theirs = _rule(other_account, name="Theirs")
    assert other.get(f"{URL}{theirs.public_id}/test/", {"ticket": ticket.code}).status_code == 422
    assert other.get(URL + "log/", {"ticket": ticket.code}).status_code == 404
    assert [r.name for r in other.get(URL).context["rules"]] == ["Theirs"]
    assert _state(account) == before


def test_the_log_of_the_rule_is_kept_after_priority_change(
    owner_client, account, ticket, django_capture_on_commit_callbacks
):
    rule = _rule(account, trigger="priority_changed", conditions={}, actions=[{"type": "add_tags", "tags": ["x"]}])
    with django_capture_on_commit_callbacks(execute=True):
        conv.change_priority(ticket=ticket, priority=3)
    page = owner_client.get(f"{URL}{rule.public_id}/")
    assert [x.outcome for x in page.context["executions"]] == ["applied"]
