"""'Test this rule on ticket X': says what would happen, explains each condition, changes nothing."""

from __future__ import annotations

import pytest

from helpline.automation.compiler import compile_rule
from helpline.automation.engine import dry_run
from helpline.automation.fields import custom_kinds_of
from helpline.automation.models import Rule, RuleExecution
from helpline.automation.tests.conftest import online, where
from helpline.conversations.models import Message, Ticket
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db


def _snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        ticket.status, ticket.priority, ticket.assignee_id, ticket.department_id, ticket.updated_at,
        sorted(ticket.tags.values_list("name", flat=True)), Message.objects.count(), AuditEntry.objects.count(),
        RuleExecution.objects.count(), list(Rule.objects.values_list("state", flat=True)),
    )  # fmt: skip


def test_dry_run_describes_and_changes_nothing(ticket, agent, make_rule, django_capture_on_commit_callbacks):
    rule = make_rule(
        ticket.account,
        conditions={"match": "all", "groups": [
            {"match": "all", "conditions": [{"field": "ticket.subject", "op": "contains", "value": "fire"},
                                            {"field": "ticket.priority", "op": "in", "value": ["normal", "high"]}]},
            {"match": "any", "conditions": [{"field": "contact.email", "op": "ends_with", "value": ".test"},
                                            {"field": "message.body", "op": "contains", "value": "burning"}]},
        ]},
        actions=[{"type": "assign", "agent": agent.public_id}, {"type": "set_priority", "priority": "urgent"},
                 {"type": "add_tags", "tags": ["fire"]}, {"type": "send_reply", "text": "Hi {{ contact.name }}"},
                 {"type": "assign_round_robin"}, {"type": "stop"}],
    )  # fmt: skip
    online(ticket.account, agent, _first_agent(ticket))
    before = _snapshot(ticket)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = dry_run(compile_rule(rule, custom_kinds_of(ticket.account)), ticket)

    assert callbacks == []
    assert _snapshot(ticket) == before
    assert result == {
        "matched": True,
        "match": "all",
        "groups": [
            {"match": "all", "holds": True, "conditions": [
                _c("ticket.subject", "contains", "fire", "Printer on fire", True),
                _c("ticket.priority", "in", ["normal", "high"], "normal", True),
            ]},
            {"match": "any", "holds": True, "conditions": [
                _c("contact.email", "ends_with", ".test", "customer@example.com", False),
                _c("message.body", "contains", "burning", "Please help, it is burning.", True),
            ]},
        ],
        "actions": [
            {"type": "assign", "summary": "Assign to Alice Agent", "changed": True, "error": ""},
            {"type": "set_priority", "summary": "Set priority to Urgent", "changed": True, "error": ""},
            {"type": "add_tags", "summary": "Add tags: fire", "changed": True, "error": ""},
            {"type": "send_reply", "summary": "Reply: “Hi Carla Customer”", "changed": True, "error": ""},
            {"type": "assign_round_robin", "summary": f"Assign to {_first_agent(ticket).display_name}",
             "changed": True, "error": ""},
            {"type": "stop", "summary": "Stop processing further rules", "changed": False, "error": ""},
        ],
    }  # fmt: skip


def _c(field, op, value, actual, holds):
    return {"field": field, "op": op, "value": value, "actual": actual, "holds": holds}


def _first_agent(ticket):
    from helpline.tenancy.models import Membership

    return Membership.objects.filter(account=ticket.account, is_active=True).order_by("user_id").first().user


def test_dry_run_of_a_rule_that_does_not_match_and_an_action_that_would_fail(ticket, agent, make_rule):
    from helpline.tenancy.actions import deactivate_member
    from helpline.tenancy.models import Membership

    rule = make_rule(
        ticket.account,
        conditions=where([{"field": "ticket.status", "op": "eq", "value": "resolved"}]),
        actions=[{"type": "assign", "agent": agent.public_id}],
    )
    deactivate_member(membership=Membership.objects.get(account=ticket.account, user=agent))
    before = _snapshot(ticket)

    result = dry_run(compile_rule(rule, {}), ticket)

    assert _snapshot(ticket) == before
    assert result["matched"] is False
    assert result["groups"][0]["conditions"][0] == {
        "field": "ticket.status", "op": "eq", "value": "resolved", "actual": "new", "holds": False,
    }  # fmt: skip
    assert result["actions"] == [
        {"type": "assign", "summary": "", "changed": False,
         "error": "The agent of this action no longer works in this account."},
    ]  # fmt: skip
