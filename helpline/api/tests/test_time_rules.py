"""/time-rules: CRUD, order, dry run, the log filter; 400/401/402/404, account isolation, fixed queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import ApiClient, assert_problem
from helpline.automation.models import TimeRule
from helpline.automation.timerules.sweep import sweep
from helpline.calendars.models import BusinessCalendar
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.security.models import AuditEntry

RULE = {
    "name": "Nudge waiting customers",
    "clock": "customer_message",
    "after_minutes": 120,
    "conditions": {"groups": [{"conditions": [{"field": "ticket.status", "op": "eq", "value": "open"}]}]},
    "actions": [{"type": "set_priority", "priority": "high"}],
}


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _delete(api, path, key=...):
    return api.client.delete(f"/api/v1{path}", **api._headers(key))


def test_create_get_change_and_delete(api, account):
    calendar = BusinessCalendar.objects.create(account=account, name="Office", weekly={"mon": [["09:00", "17:00"]]})
    response = api.post("/time-rules", {**RULE, "hours": "business", "calendar": calendar.public_id})

    assert response.status_code == 201, response.content
    rule = TimeRule.objects.get(account=account)
    expected = {
        "id": rule.public_id, "name": "Nudge waiting customers", "note": "", "clock": "customer_message",
        "after_minutes": 120, "hours": "business", "calendar": calendar.public_id, "enabled": True, "position": 1,
        "conditions": {"match": "all", "groups": [{"match": "all", "conditions": [
            {"field": "ticket.status", "op": "eq", "value": "open"}]}]},
        "actions": [{"type": "set_priority", "priority": "high"}],
        "created_at": _iso(rule.created_at), "updated_at": _iso(rule.updated_at),
    }  # fmt: skip
    assert response.json() == expected
    assert api.get(f"/time-rules/{rule.public_id}").json() == expected
    assert AuditEntry.objects.get(action="time_rule.created").actor_api_key.account == account

    changed = api.patch(f"/time-rules/{rule.public_id}", {"after_minutes": 30, "hours": "calendar"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["after_minutes"], changed.json()["hours"], changed.json()["calendar"]) == (
        30,
        "calendar",
        None,
    )
    assert _delete(api, f"/time-rules/{rule.public_id}").status_code == 204
    assert TimeRule.objects.count() == 0


def test_invalid_rule_is_400_naming_the_field(api):
    problem = assert_problem(api.post("/time-rules", {**RULE, "hours": "business"}), 400, "invalid")
    assert problem["errors"][0]["field"] == "calendar"
    bad_field = {**RULE, "conditions": {"groups": [{"conditions": [
        {"field": "event.to_status", "op": "eq", "value": "open"}]}]}}  # fmt: skip
    problem = assert_problem(api.post("/time-rules", bad_field), 400, "invalid")
    assert problem["errors"][0]["field"] == "conditions.groups.0.conditions.0.field"
    assert_problem(api.post("/time-rules", {**RULE, "after_minutes": 1}), 400, "validation")
    assert_problem(api.post("/time-rules", {**RULE, "clock": "sunrise"}), 400, "validation")
    assert_problem(api.post("/time-rules", raw="{nope"), 400)
    assert TimeRule.objects.count() == 0


def test_unauthenticated_401_plan_limit_402_unknown_404(api, make_account, client):
    from helpline.security.actions import create_api_key

    assert_problem(api.get("/time-rules", key=None), 401)
    free = make_account("tiny", plan="free")
    _key, raw = create_api_key(account=free, name="t")
    problem = assert_problem(ApiClient(client, raw).post("/time-rules", RULE), 402, "plan_limit")
    assert "time rules" in problem["detail"]
    for response in (
        api.get("/time-rules/0000000000000000"),
        api.patch("/time-rules/0000000000000000", {"name": "x"}),
        _delete(api, "/time-rules/0000000000000000"),
        api.post("/time-rules/0000000000000000/test", {"ticket": "x"}),
    ):
        assert_problem(response, 404, "not_found")
    assert TimeRule.objects.count() == 0


def test_list_pages_in_order_with_fixed_queries_and_reorder(api, account):
    ids = [api.post("/time-rules", {**RULE, "name": f"r{n}"}).json()["id"] for n in range(5)]
    with CaptureQueriesContext(connection) as few:
        first = api.get("/time-rules", {"limit": 2}).json()
    for n in range(5, 15):
        api.post("/time-rules", {**RULE, "name": f"r{n}"})
    with CaptureQueriesContext(connection) as many:
        api.get("/time-rules", {"limit": 2})
    assert len(few) == len(many)
    assert [r["id"] for r in first["items"]] == ids[:2]
    second = api.get("/time-rules", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in second["items"]] == ids[2:4]

    everything = [r["id"] for r in api.get("/time-rules", {"limit": 200}).json()["items"]]
    reordered = api.post("/time-rules/reorder", {"ids": list(reversed(everything))})
    assert [r["id"] for r in reordered.json()["items"]] == list(reversed(everything))
    assert_problem(api.post("/time-rules/reorder", {"ids": everything[:3]}), 400)


def test_dry_run_then_the_log_of_the_rule(api, account, ticket, django_capture_on_commit_callbacks):
    Ticket.objects.filter(pk=ticket.pk).update(status="open", last_customer_message_at=clock.now() - timedelta(hours=3))
    rule_id = api.post("/time-rules", RULE).json()["id"]
    test = api.post(f"/time-rules/{rule_id}/test", {"ticket": ticket.code}).json()
    assert (test["would_fire"], test["matched"], test["clock"]["due"], test["clock"]["fired"]) == (
        True,
        True,
        True,
        False,
    )
    assert test["clock"]["elapsed_minutes"] == 180
    assert test["actions"] == [
        {"type": "set_priority", "summary": "Set priority to High", "changed": True, "error": ""}
    ]
    ticket.refresh_from_db()
    assert ticket.priority == 2  # the dry run changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep().fired == 1
    log = api.get("/event-rule-executions", {"time_rule": rule_id}).json()["items"]
    assert [(x["time_rule"], x["rule"], x["event"], x["outcome"]) for x in log] == [
        (rule_id, None, "time_rule.customer_message", "applied")
    ]
    assert api.post(f"/time-rules/{rule_id}/test", {"ticket": ticket.code}).json()["clock"]["fired"] is True


def test_another_account_sees_and_changes_nothing(api, other_api, account, ticket):
    theirs = other_api.post("/time-rules", {**RULE, "name": "Theirs"}).json()["id"]
    mine = api.post("/time-rules", RULE).json()["id"]
    assert [r["id"] for r in api.get("/time-rules").json()["items"]] == [mine]
    for response in (
        api.get(f"/time-rules/{theirs}"),
        api.patch(f"/time-rules/{theirs}", {"name": "mine now"}),
        _delete(api, f"/time-rules/{theirs}"),
        api.post(f"/time-rules/{theirs}/test", {"ticket": ticket.code}),
        api.get("/event-rule-executions", {"time_rule": theirs}),
    ):
        assert_problem(response, 404, "not_found")
    assert_problem(other_api.post(f"/time-rules/{theirs}/test", {"ticket": ticket.code}), 404)
    assert_problem(api.post("/time-rules/reorder", {"ids": [mine, theirs]}), 400)
    assert TimeRule.objects.get(public_id=theirs).name == "Theirs"
