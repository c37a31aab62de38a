"""/api/v1/replacement-rules: CRUD, reorder, 422 for a bad regex, audit rows, cross-account, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.replacements import actions
from helpline.replacements.models import ReplacementRule
from helpline.security.models import AuditEntry

BODY = {"pattern": r"order (\d+)", "replacement": r"#\1", "is_regex": True}


def _delete(api, path, key=...):
    key = api.key if key is ... else key
    return api.client.delete(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_create_get_update_delete(api, account):
    response = api.post("/replacement-rules", {**BODY, "name": "Orders", "channels": ["email"]})
    assert response.status_code == 201, response.content
    created = response.json()
    rule = ReplacementRule.objects.get(account=account)
    assert created == {
        "id": rule.public_id, "name": "Orders", "pattern": r"order (\d+)", "replacement": r"#\1", "is_regex": True,
        "case_sensitive": False, "in_subject": True, "in_body": True, "channels": ["email"], "enabled": True,
        "position": 1, "created_at": created["created_at"], "updated_at": created["updated_at"],
    }  # fmt: skip
    assert api.get(f"/replacement-rules/{rule.public_id}").json()["pattern"] == r"order (\d+)"
    response = api.patch(f"/replacement-rules/{rule.public_id}", {"enabled": False, "replacement": r"no. \1"})
    assert response.status_code == 200, response.content
    assert (response.json()["enabled"], response.json()["replacement"]) == (False, r"no. \1")
    assert _delete(api, f"/replacement-rules/{rule.public_id}").status_code == 204
    assert not ReplacementRule.objects.filter(account=account).exists()
    actions_seen = list(
        AuditEntry.objects.filter(account=account, action__startswith="replacement_rule").order_by("id")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert actions_seen == ["replacement_rule.created", "replacement_rule.changed", "replacement_rule.deleted"]
    assert AuditEntry.objects.filter(account=account, action="replacement_rule.created").get().actor_api_key


def test_a_bad_regex_is_a_422_naming_the_field_and_nothing_is_saved(api, account):
    problem = assert_problem(api.post("/replacement-rules", {**BODY, "pattern": "order (\\d+"}), 422, "invalid_rule")
    assert problem["detail"] == "This is not a valid regular expression: missing ) at position 10."
    assert problem["errors"][0]["field"] == "pattern"
    problem = assert_problem(api.post("/replacement-rules", {**BODY, "replacement": r"\3"}), 422, "invalid_rule")
    assert problem["errors"][0]["field"] == "replacement"
    assert not ReplacementRule.objects.filter(account=account).exists()
    rule = actions.create_rule(account=account, pattern="x")
    assert_problem(api.patch(f"/replacement-rules/{rule.public_id}", {"is_regex": True, "pattern": "(("}), 422)
    rule.refresh_from_db()
    assert (rule.pattern, rule.is_regex) == ("x", False)


def test_wrong_payloads_are_400_not_500(api):
    assert_problem(api.post("/replacement-rules", {"pattern": "a", "surprise": 1}), 400)
    assert_problem(api.post("/replacement-rules", {"pattern": ""}), 400)
    assert_problem(api.post("/replacement-rules", {"pattern": "a", "channels": "email"}), 400)
    assert_problem(api.post("/replacement-rules/reorder", {"ids": ["nope"]}), 400)


def test_reorder(api, account):
    first = actions.create_rule(account=account, pattern="a")
    second = actions.create_rule(account=account, pattern="b")
    response = api.post("/replacement-rules/reorder", {"ids": [second.public_id, first.public_id]})
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["items"]] == [second.public_id, first.public_id]
    assert [r["id"] for r in api.get("/replacement-rules").json()["items"]] == [second.public_id, first.public_id]
    assert AuditEntry.objects.filter(account=account, action="replacement_rule.reordered").count() == 1


def test_another_account_sees_and_changes_nothing(api, other_api, account):
    rule = actions.create_rule(account=account, pattern="secret", replacement="x")
    assert other_api.get("/replacement-rules").json() == {"items": []}
    path = f"/replacement-rules/{rule.public_id}"
    assert_problem(other_api.get(path), 404)
    assert_problem(other_api.patch(path, {"pattern": "hacked"}), 404)
    assert_problem(_delete(other_api, path, other_api.key), 404)
    assert_problem(other_api.post("/replacement-rules/reorder", {"ids": [rule.public_id]}), 400)
    rule.refresh_from_db()
    assert (rule.pattern, rule.position) == ("secret", 1)


def test_the_list_takes_a_fixed_number_of_queries(api, account):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/replacement-rules").status_code == 200
        return len(queries)

    actions.create_rule(account=account, pattern="a")
    count()  # warm: the first request of a key or session may record its use
    few = count()
    for n in range(10):
        actions.create_rule(account=account, pattern=f"p{n}")
    assert count() == few


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_key_401(client, method):
    response = getattr(client, method)("/api/v1/replacement-rules")
    assert response.status_code == 401
