"""/event-rules and /event-rule-executions: CRUD, order, dry run, log; 400/401/402/404 and account isolation."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.pagination import encode_value
from helpline.api.tests.conftest import ApiClient, assert_problem
from helpline.automation.models import Rule, RuleExecution
from helpline.conversations import actions as conv
from helpline.security.models import AuditEntry

RULE = {
    "name": "Urgent invoices",
    "trigger": "ticket_created",
    "conditions": {"groups": [{"conditions": [{"field": "ticket.subject", "op": "contains", "value": "invoice"}]}]},
    "actions": [{"type": "set_priority", "priority": "urgent"}, {"type": "add_tags", "tags": ["billing"]}],
}


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _delete(api, path, key=...):
    return api.client.delete(f"/api/v1{path}", **api._headers(key))


def _rules(account):
    return list(Rule.objects.filter(account=account).values_list("name", "position", "enabled", "actions"))


def test_create_and_get(api, account):
    response = api.post("/event-rules", RULE)

    assert response.status_code == 201, response.content
    rule = Rule.objects.get(account=account)
    expected = {
        "id": rule.public_id,
        "name": "Urgent invoices",
        "note": "",
        "trigger": "ticket_created",
        "enabled": True,
        "position": 1,
        "conditions": {"match": "all", "groups": [{"match": "all", "conditions": [
            {"field": "ticket.subject", "op": "contains", "value": "invoice"}]}]},
        "actions": [{"type": "set_priority", "priority": "urgent"}, {"type": "add_tags", "tags": ["billing"]}],
        "created_at": _iso(rule.created_at),
        "updated_at": _iso(rule.updated_at),
    }  # fmt: skip
    assert response.json() == expected
    assert api.get(f"/event-rules/{rule.public_id}").json() == expected
    entry = AuditEntry.objects.get(action="event_rule.created")
    assert entry.actor_api_key.account == account


def test_created_rules_run(api, account, make_ticket, django_capture_on_commit_callbacks):
    api.post("/event-rules", RULE)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(account, subject="Invoice missing")
    ticket.refresh_from_db()
    assert (ticket.priority, list(ticket.tags.values_list("name", flat=True))) == (4, ["billing"])


def test_invalid_rule_is_400_naming_the_field(api, account):
    bad = {**RULE, "actions": [{"type": "notify_slack", "slack": "0000000000000000"}]}
    problem = assert_problem(api.post("/event-rules", bad), 400, "invalid")
    message = "No such Slack webhook."
    assert problem["detail"] == message
    assert problem["errors"] == [{"field": "actions.0.slack", "in": "body", "message": message, "code": "invalid"}]

    deep = {
        **RULE,
        "conditions": {"groups": [{"conditions": [{"field": "ticket.priority", "op": "eq", "value": "x"}]}]},
    }
    problem = assert_problem(api.post("/event-rules", deep), 400)
    assert problem["errors"][0]["field"] == "conditions.groups.0.conditions.0.value"

    assert_problem(api.post("/event-rules", {"name": "x", "trigger": "ticket_created"}), 400, "validation")
    assert_problem(api.post("/event-rules", {**RULE, "colour": "red"}), 400, "validation")
    assert_problem(api.post("/event-rules", raw="{not json"), 400)
    assert_problem(api.post("/event-rules", {**RULE, "actions": "stop"}), 400, "validation")
    assert Rule.objects.count() == 0


def test_unauthenticated_is_401(api):
    assert_problem(api.get("/event-rules", key=None), 401)
    assert_problem(api.post("/event-rules", RULE, key="hl_0_nope"), 401)
    assert Rule.objects.count() == 0


def test_plan_limit_is_402(make_account, client):
    from helpline.security.actions import create_api_key

    free = make_account("tiny", plan="free")
    _key, raw = create_api_key(account=free, name="t")

    problem = assert_problem(ApiClient(client, raw).post("/event-rules", RULE), 402, "plan_limit")
    assert "event rules" in problem["detail"]
    assert Rule.objects.count() == 0


def test_unknown_rule_is_404(api):
    for response in (
        api.get("/event-rules/0000000000000000"),
        api.patch("/event-rules/0000000000000000", {"name": "x"}),
        _delete(api, "/event-rules/0000000000000000"),
        api.post("/event-rules/0000000000000000/test", {"ticket": "x"}),
    ):
        assert_problem(response, 404, "not_found")


def test_patch_changes_only_the_given_fields(api, account):
    rule_id = api.post("/event-rules", RULE).json()["id"]

    response = api.patch(f"/event-rules/{rule_id}", {"enabled": False, "name": "Renamed"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["enabled"]) == ("Renamed", False)
    assert _rules(account) == [("Renamed", 1, False, RULE["actions"])]
    assert_problem(api.patch(f"/event-rules/{rule_id}", {"trigger": "call_ended"}), 400)
    assert _rules(account) == [("Renamed", 1, False, RULE["actions"])]


def test_delete(api, account):
    rule_id = api.post("/event-rules", RULE).json()["id"]

    assert _delete(api, f"/event-rules/{rule_id}").status_code == 204
    assert Rule.objects.count() == 0
    assert AuditEntry.objects.filter(action="event_rule.deleted", subject_id=rule_id).count() == 1


def test_list_in_order_paginated_with_fixed_queries(api, account):
    ids = [api.post("/event-rules", {**RULE, "name": f"r{n}"}).json()["id"] for n in range(5)]
    api.post("/event-rules/reorder", {"ids": list(reversed(ids))})

    first = api.get("/event-rules", {"limit": 2}).json()
    second = api.get("/event-rules", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = api.get("/event-rules", {"limit": 2, "cursor": second["next_cursor"]}).json()

    names = [item["name"] for page in (first, second, third) for item in page["items"]]
    assert names == ["r4", "r3", "r2", "r1", "r0"]
    assert third["next_cursor"] is None
    with CaptureQueriesContext(connection) as queries:
        assert len(api.get("/event-rules").json()["items"]) == 5
    assert len(queries) == 2  # the key, the page
    assert_problem(api.get("/event-rules", {"cursor": "!!"}), 400)
    for junk in ("7", "a.b", f"1.{2**64}", f"{2**64}.1", "1.0"):  # not (position, id), or out of range: 400
        assert_problem(api.get("/event-rules", {"cursor": encode_value(junk)}), 400)


def test_reorder_must_list_every_rule(api, account):
    ids = [api.post("/event-rules", {**RULE, "name": f"r{n}"}).json()["id"] for n in range(2)]

    assert_problem(api.post("/event-rules/reorder", {"ids": ids[:1]}), 400)
    assert [name for name, *_rest in _rules(account)] == ["r0", "r1"]
    response = api.post("/event-rules/reorder", {"ids": [ids[1], ids[0]]})
    assert [item["name"] for item in response.json()["items"]] == ["r1", "r0"]


def test_test_on_a_ticket_by_code_or_id_changes_nothing(api, account, ticket):
    rule_id = api.post("/event-rules", {**RULE, "conditions": {}}).json()["id"]
    audit_rows = AuditEntry.objects.count()

    by_code = api.post(f"/event-rules/{rule_id}/test", {"ticket": ticket.code.lower()})
    by_id = api.post(f"/event-rules/{rule_id}/test", {"ticket": ticket.public_id})

    assert by_code.status_code == 200
    assert by_code.json() == by_id.json() == {
        "matched": True, "match": "all", "groups": [],
        "actions": [{"type": "set_priority", "summary": "Set priority to Urgent", "changed": True, "error": ""},
                    {"type": "add_tags", "summary": "Add tags: billing", "changed": True, "error": ""}],
    }  # fmt: skip
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.tags.count(), AuditEntry.objects.count()) == (2, 0, audit_rows)
    assert RuleExecution.objects.count() == 0
    assert_problem(api.post(f"/event-rules/{rule_id}/test", {"ticket": "NOP-000-00000"}), 404)


def test_execution_log_by_rule_and_ticket(api, account, ticket, django_capture_on_commit_callbacks):
    rule_id = api.post("/event-rules", {**RULE, "trigger": "priority_changed", "conditions": {},
                                        "actions": [{"type": "add_tags", "tags": ["seen"]}]}).json()["id"]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        conv.change_priority(ticket=ticket, priority=3)
    execution = RuleExecution.objects.get()

    by_rule = api.get("/event-rule-executions", {"rule": rule_id}).json()
    by_ticket = api.get("/event-rule-executions", {"ticket": ticket.public_id}).json()

    assert by_rule == by_ticket == {"items": [{
        "id": execution.public_id, "rule": rule_id, "time_rule": None, "rule_name": "Urgent invoices",
        "ticket": ticket.public_id,
        "ticket_code": ticket.code, "event": "ticket.priority_changed", "outcome": "applied", "depth": 0,
        "results": [{"type": "add_tags", "summary": "Add tags: seen", "changed": True}], "error": "",
        "created_at": _iso(execution.created_at),
    }], "next_cursor": None}  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        api.get("/event-rule-executions")
    assert len(queries) == 2  # the key, the page (rule and ticket joined)
    assert_problem(api.get("/event-rule-executions", {"ticket": "0000000000000000"}), 404)


def test_another_account_sees_and_changes_nothing(api, other_api, account, ticket, django_capture_on_commit_callbacks):
    rule_id = api.post("/event-rules", {**RULE, "trigger": "priority_changed", "conditions": {}}).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        conv.change_priority(ticket=ticket, priority=3)
    before = _rules(account)

    assert other_api.get("/event-rules").json() == {"items": [], "next_cursor": None}
    assert other_api.get("/event-rule-executions").json() == {"items": [], "next_cursor": None}
    for response in (
        other_api.get(f"/event-rules/{rule_id}"),
        other_api.patch(f"/event-rules/{rule_id}", {"enabled": False}),
        _delete(other_api, f"/event-rules/{rule_id}"),
        other_api.post(f"/event-rules/{rule_id}/test", {"ticket": ticket.public_id}),
        other_api.get("/event-rule-executions", {"rule": rule_id}),
        other_api.get("/event-rule-executions", {"ticket": ticket.public_id}),
    ):
        assert_problem(response, 404, "not_found")
    theirs = other_api.post("/event-rules", {**RULE, "conditions": {}}).json()["id"]
    assert_problem(other_api.post(f"/event-rules/{theirs}/test", {"ticket": ticket.code}), 404)
    assert_problem(other_api.post("/event-rules/reorder", {"ids": [rule_id, theirs]}), 400)
    assert _rules(account) == before
