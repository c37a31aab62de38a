"""Managing rules: validation against the schema and the account, plan limits, order, audit."""

from __future__ import annotations

import pytest

from helpline.automation.actions import (
    create_rule,
    delete_rule,
    move_rule,
    reorder_rules,
    set_rule_enabled,
    update_rule,
)
from helpline.automation.models import Rule, RuleBook
from helpline.automation.schema import RuleInvalid
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, LimitReached
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department

pytestmark = pytest.mark.django_db


def _create(account, **overrides):
    fields = {"name": "Tag VIPs", "trigger": "ticket_created", "conditions": {},
              "actions": [{"type": "add_tags", "tags": ["vip"]}], "actor": Actor(user=account.owner)}  # fmt: skip
    return create_rule(account=account, **{**fields, **overrides})


def test_create_normalises_and_audits(account):
    sales = create_department(account=account, name="Sales")
    rule = _create(
        account,
        name="  VIP  ",
        conditions={"groups": [{"conditions": [
            {"field": "ticket.status", "op": "in", "value": "New, OPEN"},
            {"field": "ticket.department", "op": "eq", "value": sales.public_id},
            {"field": "ticket.subject", "op": "is_empty", "value": "ignored"},
        ]}]},
        actions=[{"type": "add_tags", "tags": "vip, billing,vip"}],
    )  # fmt: skip

    assert (rule.name, rule.position, rule.enabled) == ("VIP", 1, True)
    assert rule.conditions == {"match": "all", "groups": [{"match": "all", "conditions": [
        {"field": "ticket.status", "op": "in", "value": ["new", "open"]},
        {"field": "ticket.department", "op": "eq", "value": sales.public_id},
        {"field": "ticket.subject", "op": "is_empty"},
    ]}]}  # fmt: skip
    assert rule.actions == [{"type": "add_tags", "tags": ["vip", "billing"]}]
    entry = AuditEntry.objects.get(action="event_rule.created")
    assert (entry.subject_id, entry.actor_user) == (rule.public_id, account.owner)
    assert RuleBook.objects.get(account=account).version != 0


INVALID = [
    ({"trigger": "nonsense"}, "trigger", "Must be one of:"),
    ({"trigger": "call_ended"}, "trigger", "The trigger “Call ended” is not available yet."),
    ({"name": "  "}, "name", "This field is required."),
    ({"actions": []}, "actions", "Add at least one action."),
    ({"actions": [{"type": "explode"}]}, "actions.0.type", "Unknown action explode."),
    ({"actions": [{"type": "notify_slack", "slack": "0000000000000000"}]}, "actions.0.slack", "No such Slack webhook."),
    ({"actions": [{"type": "call_webhook"}]}, "actions.0.webhook", "This field is required."),
    ({"actions": [{"type": "call_webhook", "webhook": "nope"}]}, "actions.0.webhook", "No such webhook"),
    ({"actions": [{"type": "set_sla_level", "sla_level": "nope"}]}, "actions.0.sla_level", "No such SLA level."),
    ({"actions": [{"type": "set_status", "status": "chatting"}]}, "actions.0.status", "Must be one of:"),
    ({"actions": [{"type": "set_priority", "priority": "meh"}]}, "actions.0.priority", "Must be one of:"),
    ({"actions": [{"type": "assign", "agent": "nobody"}]}, "actions.0.agent", "No such agent in this account."),
    ({"actions": [{"type": "transfer"}]}, "actions.0.department", "This field is required."),
    ({"actions": [{"type": "add_tags", "tags": []}]}, "actions.0.tags", "Give at least one value."),
    ({"actions": [{"type": "add_tags", "tags": ["a"], "extra": 1}]}, "actions.0.extra", "Unknown field."),
    ({"actions": [{"type": "send_reply"}]}, "actions.0.text", "Write the text or choose a predefined answer."),
    ({"actions": [{"type": "send_email", "to": ["not an email"], "text": "x"}]}, "actions.0.to.0",
     "Enter a valid email address."),
    ({"actions": [{"type": "set_custom_field", "field": "nope", "value": 1}]}, "actions.0.field",
     "No such ticket custom field."),
    ({"conditions": []}, None, None),  # empty conditions: valid, matches every ticket
    ({"conditions": "x"}, "conditions", "Must be an object."),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.colour", "op": "eq", "value": "red"}]}]}},
     "conditions.groups.0.conditions.0.field", "Unknown field ticket.colour."),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.subject", "op": "gt", "value": "x"}]}]}},
     "conditions.groups.0.conditions.0.op", "Must be one of: eq, ne, contains"),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.subject", "op": "matches", "value": "(("}]}]}},
     "conditions.groups.0.conditions.0.value", "Not a valid regular expression"),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.message_count", "op": "gt", "value": "many"}]}]}},
     "conditions.groups.0.conditions.0.value", "Must be a number."),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.status", "op": "eq", "value": "sleeping"}]}]}},
     "conditions.groups.0.conditions.0.value", "Must be one of:"),
    ({"conditions": {"groups": [{"conditions": [{"field": "ticket.department", "op": "eq", "value": "zzz"}]}]}},
     "conditions.groups.0.conditions.0.value", "No such department."),
    ({"conditions": {"match": "some", "groups": []}}, "conditions.match", "Must be one of: all, any"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID)
def test_invalid_rules_are_refused_and_nothing_is_saved(account, overrides, field, message):
    if field is None:
        assert _create(account, **overrides).conditions == {"match": "all", "groups": []}
        return
    with pytest.raises(RuleInvalid) as caught:
        _create(account, **overrides)
    assert caught.value.field == field
    assert str(caught.value.message).startswith(message)
    assert Rule.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="event_rule").exists()


def test_references_of_another_account_are_refused(account, other_account):
    theirs = create_department(account=other_account, name="Theirs")
    with pytest.raises(RuleInvalid) as caught:
        _create(account, actions=[{"type": "transfer", "department": theirs.public_id}])
    assert (caught.value.field, str(caught.value.message)) == ("actions.0.department", "No such department.")


@pytest.mark.parametrize(("plan", "allowed"), [("free", 0), ("medium", 5)])
def test_plan_limit(make_account, plan, allowed):
    account = make_account("tiny", plan=plan)
    for n in range(allowed):
        _create(account, name=f"r{n}")
    with pytest.raises(LimitReached) as caught:
        _create(account, name="one too many")
    assert "event rules" in str(caught.value.message)
    assert Rule.objects.filter(account=account).count() == allowed


def test_update_enable_reorder_move_delete_are_audited(account):
    a, b, c = (_create(account, name=name) for name in "abc")
    actor = Actor(user=account.owner)

    update_rule(rule=a, name="a2", trigger="tag_added", conditions={}, actions=[{"type": "stop"}], actor=actor)
    set_rule_enabled(rule=b, enabled=False, actor=actor)
    reorder_rules(account=account, public_ids=[c.public_id, a.public_id, b.public_id], actor=actor)
    move_rule(rule=b, offset=-1, actor=actor)
    assert list(Rule.objects.filter(account=account).values_list("name", flat=True)) == ["c", "b", "a2"]
    delete_rule(rule=c, actor=actor)

    actions = list(
        AuditEntry.objects.filter(action__startswith="event_rule").order_by("id").values_list("action", "data")
    )
    assert [name for name, _data in actions] == [
        "event_rule.created", "event_rule.created", "event_rule.created", "event_rule.updated", "event_rule.updated",
        "event_rule.reordered", "event_rule.reordered", "event_rule.deleted",
    ]  # fmt: skip
    assert actions[3][1] == {"name": ["a", "a2"], "trigger": ["ticket_created", "tag_added"],
                             "actions": [[{"type": "add_tags", "tags": ["vip"]}], [{"type": "stop"}]]}  # fmt: skip
    assert actions[4][1] == {"enabled": [True, False]}


def test_reorder_must_name_every_rule_once(account, other_account):
    a, b = _create(account, name="a"), _create(account, name="b")
    theirs = _create(other_account, name="theirs")
    for ids in ([a.public_id], [a.public_id, a.public_id], [a.public_id, b.public_id, theirs.public_id]):
        with pytest.raises(DomainError):
            reorder_rules(account=account, public_ids=ids, actor=Actor())
    assert list(Rule.objects.filter(account=account).values_list("name", flat=True)) == ["a", "b"]
