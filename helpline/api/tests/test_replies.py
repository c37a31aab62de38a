"""/canned-messages and /predefined-answers: happy paths, errors, pagination, isolation, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.core.actors import Actor
from helpline.replies.actions import add_answer_attachment, create_canned_message, create_predefined_answer
from helpline.replies.models import CannedMessage, PredefinedAnswer
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import update_account
from helpline.tenancy.selectors import list_departments


@pytest.fixture
def department(account):
    return list_departments(account)[0]


def _state():
    return (
        list(CannedMessage.objects.values_list("name", "body", "shortcut", "scope")),
        list(PredefinedAnswer.objects.values_list("name", "body", "set_status")),
        AuditEntry.objects.count(),
    )


def test_create_get_update_delete_a_canned_message(api, account, agent, department):
    created = api.post(
        "/canned-messages",
        {"name": "Refund", "body": "Hi {{ contact.name }}", "shortcut": "/Refund", "scope": "department",
         "department": department.public_id},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    item = CannedMessage.objects.get()
    assert body == {
        "id": item.public_id,
        "name": "Refund",
        "shortcut": "refund",
        "body": "Hi {{ contact.name }}",
        "scope": "department",
        "department": {"id": department.public_id, "name": department.name},
        "owner": None,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert api.get(f"/canned-messages/{item.public_id}").json() == body

    patched = api.patch(f"/canned-messages/{item.public_id}", {"scope": "personal", "owner": agent.public_id})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["scope"], patched.json()["department"], patched.json()["name"]) == (
        "personal",
        None,
        "Refund",
    )
    assert patched.json()["owner"] == {"id": agent.public_id, "name": "Alice Agent", "email": "agent@acme.test"}

    deleted = api.client.delete(
        f"/api/v1/canned-messages/{item.public_id}", HTTP_AUTHORIZATION=api._headers(...)["HTTP_AUTHORIZATION"]
    )
    assert deleted.status_code == 204
    assert CannedMessage.objects.count() == 0
    assert list(AuditEntry.objects.filter(subject_id=item.public_id).values_list("action", "actor_user")) == [
        ("canned_message.created", None),
        ("canned_message.updated", None),
        ("canned_message.deleted", None),
    ]


def test_list_filters_by_scope_and_paginates(api, account, agent):
    actor = Actor(user=account.owner)
    for n in range(5):
        create_canned_message(account=account, name=f"S{n}", body="x", actor=actor)
    create_canned_message(account=account, name="Mine", body="x", scope="personal", owner=agent, actor=actor)

    first = api.get("/canned-messages", {"limit": 4}).json()
    assert [i["name"] for i in first["items"]] == ["S0", "S1", "S2", "S3"]
    second = api.get("/canned-messages", {"limit": 4, "cursor": first["next_cursor"]}).json()
    assert ([i["name"] for i in second["items"]], second["next_cursor"]) == (["S4", "Mine"], None)
    personal = api.get("/canned-messages", {"scope": "personal"}).json()
    assert [i["name"] for i in personal["items"]] == ["Mine"]
    assert_problem(api.get("/canned-messages", {"scope": "team"}), 400, "validation")
    assert_problem(api.get("/canned-messages", {"cursor": "!!"}), 400)


def test_bad_input_is_a_400_and_changes_nothing(api, account, other_account):
    before = _state()
    assert_problem(api.post("/canned-messages", {"name": "X"}), 400, "validation")
    assert_problem(api.post("/canned-messages", {"name": "X", "body": "y", "colour": 1}), 400, "validation")
    body = assert_problem(api.post("/canned-messages", {"name": "X", "body": "{{ nope }}"}), 400, "invalid")
    assert "Unknown placeholder: {{ nope }}." in body["detail"]
    assert_problem(api.post("/canned-messages", {"name": "X", "body": "y", "scope": "personal"}), 400, "invalid")
    foreign = list_departments(other_account)[0].public_id
    body = assert_problem(
        api.post("/canned-messages", {"name": "X", "body": "y", "scope": "department", "department": foreign}), 400
    )
    assert body["errors"][0]["field"] == "department"
    assert_problem(
        api.post("/predefined-answers", {"name": "X", "body": "y", "set_status": "chatting"}), 400, "validation"
    )
    assert_problem(api.post("/canned-messages", raw="{"), 400, "malformed")
    assert _state() == before


def test_unauthenticated_requests_get_401(api):
    for path in ("/canned-messages", "/predefined-answers", "/canned-messages/abc", "/predefined-answers/abc"):
        assert_problem(api.get(path, key=None), 401, "unauthorized")
    assert_problem(api.post("/canned-messages", {"name": "X", "body": "y"}, key="hl_00_bad"), 401)
    assert CannedMessage.objects.count() == 0


def test_unknown_ids_are_404(api):
    assert_problem(api.get("/canned-messages/nope"), 404, "not_found")
    assert_problem(api.patch("/predefined-answers/aaaaaaaaaaaaaaaa", {"name": "X"}), 404, "not_found")


def test_plan_limit_is_402(api, account):
    update_account(account=account, plan="free")
    for n in range(5):
        assert api.post("/predefined-answers", {"name": f"A{n}", "body": "Hi"}).status_code == 201
    assert_problem(api.post("/predefined-answers", {"name": "A5", "body": "Hi"}), 402, "plan_limit")
    assert PredefinedAnswer.objects.count() == 5


def test_predefined_answer_round_trip(api, account):
    created = api.post(
        "/predefined-answers",
        {"name": "Refund", "body": "Refunded, {{ contact.name }}.", "set_status": "resolved", "add_tags": ["refund"]},
    )
    assert created.status_code == 201, created.content
    answer = PredefinedAnswer.objects.get()
    add_answer_attachment(
        answer=answer,
        name="policy.pdf",
        content=b"pdf",
        content_type="application/pdf",
        actor=Actor(user=account.owner),
    )
    got = api.get(f"/predefined-answers/{answer.public_id}").json()
    assert got["attachments"] == [
        {"id": answer.attachments.get().public_id, "name": "policy.pdf", "content_type": "application/pdf", "size": 3}
    ]
    assert (got["set_status"], got["add_tags"], got["scope"], got["owner"]) == ("resolved", ["refund"], "shared", None)

    patched = api.patch(f"/predefined-answers/{answer.public_id}", {"set_status": None, "add_tags": ["a", "b"]}).json()
    assert (patched["set_status"], patched["add_tags"], patched["body"]) == (
        None,
        ["a", "b"],
        "Refunded, {{ contact.name }}.",
    )
    listed = api.get("/predefined-answers").json()
    assert ([i["id"] for i in listed["items"]], listed["next_cursor"]) == ([answer.public_id], None)
    assert api.client.delete(
        f"/api/v1/predefined-answers/{answer.public_id}", HTTP_AUTHORIZATION=api._headers(...)["HTTP_AUTHORIZATION"]
    ).status_code == 204  # fmt: skip
    assert PredefinedAnswer.objects.count() == 0


def test_another_accounts_key_gets_404_for_every_item(api, other_api, account):
    actor = Actor(user=account.owner)
    canned = create_canned_message(account=account, name="Ours", body="x", actor=actor)
    answer = create_predefined_answer(account=account, name="Ours", body="x", actor=actor)
    before = _state()
    for path in (f"/canned-messages/{canned.public_id}", f"/predefined-answers/{answer.public_id}"):
        assert_problem(other_api.get(path), 404, "not_found")
        assert_problem(other_api.patch(path, {"name": "Theirs"}), 404, "not_found")
        deleted = other_api.client.delete(
            f"/api/v1{path}", HTTP_AUTHORIZATION=other_api._headers(...)["HTTP_AUTHORIZATION"]
        )
        assert_problem(deleted, 404, "not_found")
    assert other_api.get("/canned-messages").json() == {"items": [], "next_cursor": None}
    assert other_api.get("/predefined-answers").json() == {"items": [], "next_cursor": None}
    assert _state() == before


def _count(api, path):
    api.get(path)  # the key's last_used_at is written at most once a minute: warm it
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"limit": 100})
    assert response.status_code == 200
    return len(response.json()["items"]), len(queries)


def test_list_queries_do_not_grow_with_the_page(api, account, agent, department):
    actor = Actor(user=account.owner)

    def fill(n):
        for i in range(n):
            scope = ("shared", "personal", "department")[i % 3]
            extra = {"personal": {"owner": agent}, "department": {"department": department}, "shared": {}}[scope]
            create_canned_message(account=account, name=f"C{i}", body="x", scope=scope, actor=actor, **extra)
            answer = create_predefined_answer(
                account=account, name=f"A{i}", body="x", scope=scope, actor=actor, **extra
            )
            add_answer_attachment(answer=answer, name="f.txt", content=b"f", content_type="text/plain", actor=actor)

    fill(3)
    small = (_count(api, "/canned-messages"), _count(api, "/predefined-answers"))
    fill(12)
    large = (_count(api, "/canned-messages"), _count(api, "/predefined-answers"))

    assert small == ((3, 2), (3, 3))  # the key, the page (department and owner joined)[, the page's files]
    assert large == ((15, 2), (15, 3))
