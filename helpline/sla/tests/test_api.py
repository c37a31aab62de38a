"""/api/v1/sla-levels, /api/v1/sla-rules and /api/v1/tickets/{id}/sla: CRUD, order, audit, limits, isolation."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.security.models import AuditEntry
from helpline.sla.models import SlaLevel, SlaRule
from helpline.sla.tests.conftest import utc

GOLD = {"name": "Gold", "targets": {"first_response": {"normal": 60, "urgent": 15}, "resolution": {"normal": 480}},
        "warning_kind": "percent", "warning_value": 20}  # fmt: skip


def test_level_crud_is_audited(api, account, make_calendar):
    calendar = make_calendar(account)
    created = api.post("/sla-levels", {**GOLD, "calendar": calendar.public_id})
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("name", "calendar", "targets", "warning_kind", "warning_value")} == {
        "name": "Gold",
        "calendar": calendar.public_id,
        "targets": {"first_response": {"normal": 60, "urgent": 15}, "resolution": {"normal": 480}},
        "warning_kind": "percent",
        "warning_value": 20,
    }
    level_id = body["id"]
    assert api.get(f"/sla-levels/{level_id}").json()["name"] == "Gold"

    changed = api.patch(f"/sla-levels/{level_id}", {"name": "Gold+", "calendar": None})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["calendar"], changed.json()["warning_value"]) == ("Gold+", None, 20)
    assert [item["id"] for item in api.get("/sla-levels").json()["items"]] == [level_id]

    assert api.delete(f"/sla-levels/{level_id}").status_code == 204
    assert not SlaLevel.objects.filter(public_id=level_id).exists()
    actions = list(AuditEntry.objects.filter(subject_id=level_id).order_by("id").values_list("action", flat=True))
    assert actions == ["sla_level.created", "sla_level.updated", "sla_level.deleted"]


def test_bad_levels_are_400_naming_the_field_and_nothing_is_saved(api):
    for payload, field in [
        ({**GOLD, "targets": {"first_response": {"normal": "soon"}}}, "targets.first_response.normal"),
        ({**GOLD, "targets": {"first_response": {"whenever": 5}}}, "targets.first_response.whenever"),
        ({**GOLD, "targets": {"lunch": {"normal": 5}}}, "targets.lunch"),
        ({**GOLD, "targets": {}}, "targets"),
        ({**GOLD, "calendar": "nope"}, "calendar"),
        ({**GOLD, "warning_value": 150}, "warning_value"),
    ]:
        body = assert_problem(api.post("/sla-levels", payload), 400)
        assert [e["field"] for e in body["errors"]] == [field], body
    assert SlaLevel.objects.count() == 0


def test_rules_crud_reorder_and_validation(api, account):
    level = api.post("/sla-levels", GOLD).json()["id"]
    first = api.post("/sla-rules", {"name": "VIP", "level": level, "conditions": {"groups": [{"conditions": [
        {"field": "ticket.subject", "op": "contains", "value": "VIP"}]}]}}).json()  # fmt: skip
    second = api.post("/sla-rules", {"name": "Everyone", "level": level}).json()
    assert (first["position"], second["position"]) == (1, 2)
    assert first["conditions"]["groups"][0]["conditions"][0] == {
        "field": "ticket.subject", "op": "contains", "value": "VIP"
    }  # fmt: skip

    reordered = api.post("/sla-rules/reorder", {"ids": [second["id"], first["id"]]})
    assert [r["id"] for r in reordered.json()["items"]] == [second["id"], first["id"]]
    assert [r["id"] for r in api.get("/sla-rules").json()["items"]] == [second["id"], first["id"]]
    assert_problem(api.post("/sla-rules/reorder", {"ids": [second["id"]]}), 400)

    bad = assert_problem(api.post("/sla-rules", {"name": "X", "level": level, "conditions": {"groups": [
        {"conditions": [{"field": "ticket.nothing", "op": "eq", "value": "x"}]}]}}), 400)  # fmt: skip
    assert bad["errors"][0]["field"] == "conditions.groups.0.conditions.0.field"
    assert_problem(api.post("/sla-rules", {"name": "X", "level": "nope"}), 400)
    assert SlaRule.objects.count() == 2

    assert api.patch(f"/sla-rules/{first['id']}", {"enabled": False}).json()["enabled"] is False
    assert_problem(api.delete(f"/sla-levels/{level}"), 400)  # rules still choose it
    assert api.delete(f"/sla-rules/{first['id']}").status_code == 204
    actions = set(AuditEntry.objects.filter(action__startswith="sla_rule.").values_list("action", flat=True))
    assert actions == {"sla_rule.created", "sla_rule.reordered", "sla_rule.updated", "sla_rule.deleted"}


def test_plan_limits(client, make_account):
    from helpline.api.tests.conftest import ApiClient
    from helpline.security.actions import create_api_key

    medium = make_account("medium", plan="medium")  # one SLA level, one SLA rule
    _key, raw = create_api_key(account=medium, name="t")
    api = ApiClient(client, raw)
    level = api.post("/sla-levels", GOLD).json()["id"]
    assert_problem(api.post("/sla-levels", {**GOLD, "name": "Silver"}), 402)
    assert api.post("/sla-rules", {"name": "A", "level": level}).status_code == 201
    assert_problem(api.post("/sla-rules", {"name": "B", "level": level}), 402)
    assert (SlaLevel.objects.filter(account=medium).count(), SlaRule.objects.filter(account=medium).count()) == (1, 1)


def test_another_accounts_levels_and_rules_are_not_found(api, other_api):
    level = api.post("/sla-levels", GOLD).json()["id"]
    rule = api.post("/sla-rules", {"name": "All", "level": level}).json()["id"]

    assert other_api.get("/sla-levels").json() == {"items": []}
    assert other_api.get("/sla-rules").json() == {"items": []}
    for path in (f"/sla-levels/{level}", f"/sla-rules/{rule}"):
        assert_problem(other_api.get(path), 404)
        assert_problem(other_api.patch(path, {"name": "Mine"}), 404)
        assert_problem(other_api.delete(path), 404)
    assert_problem(other_api.post("/sla-rules", {"name": "Steal", "level": level}), 400)
    assert_problem(other_api.post("/sla-rules/reorder", {"ids": [rule]}), 400)
    assert SlaLevel.objects.get(public_id=level).name == "Gold"


def test_ticket_sla_state_and_setting_the_level(api, other_api, account, make_ticket, run, clock):
    level = api.post("/sla-levels", GOLD).json()["id"]
    ticket = run(make_ticket, account)
    empty = api.get(f"/tickets/{ticket.public_id}/sla").json()
    assert (empty["level"], empty["targets"]) == (None, [])

    with_level = api.put(f"/tickets/{ticket.public_id}/sla", {"level": level})
    assert with_level.status_code == 200, with_level.content
    body = with_level.json()
    assert (body["level"], body["level_name"], body["pinned"], body["due_at"]) == (
        level, "Gold", True, "2026-03-02T09:00:00Z"
    )  # fmt: skip
    assert [(t["target"], t["state"], t["due_at"], t["remaining_seconds"]) for t in body["targets"]] == [
        ("first_response", "running", "2026-03-02T09:00:00Z", 3600),
        ("resolution", "running", "2026-03-02T16:00:00Z", 28800),
    ]
    assert api.get(f"/tickets/{ticket.public_id}").json()["sla_due_at"] == "2026-03-02T09:00:00Z"
    assert_problem(api.put(f"/tickets/{ticket.public_id}/sla", {"level": "nope"}), 400)

    assert_problem(other_api.get(f"/tickets/{ticket.public_id}/sla"), 404)
    assert_problem(other_api.put(f"/tickets/{ticket.public_id}/sla", {"level": None}), 404)
    assert api.get(f"/tickets/{ticket.public_id}/sla").json()["level"] == level
    clock.set(utc(2026, 3, 2, 10, 0))
    assert api.get(f"/tickets/{ticket.public_id}/sla").json()["targets"][0]["remaining_seconds"] == -3600


def test_the_lists_cost_the_same_queries_for_1_and_10_rows(api, account):
    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len(queries)

    level = api.post("/sla-levels", GOLD).json()["id"]
    api.post("/sla-rules", {"name": "R0", "level": level})
    one_level, one_rule = count("/sla-levels"), count("/sla-rules")
    for i in range(9):
        api.post("/sla-levels", {**GOLD, "name": f"L{i}"})
        api.post("/sla-rules", {"name": f"R{i + 1}", "level": level})
    assert count("/sla-levels") == one_level
    assert count("/sla-rules") == one_rule
