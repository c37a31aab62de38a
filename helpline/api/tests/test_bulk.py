"""POST /tickets/{id}/merge, POST /tickets/bulk and GET /bulk-jobs/{id}: success, 400, 401, 404, 409, isolation."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import assert_problem
from helpline.bulk.models import BulkJob
from helpline.conversations.models import Message, Ticket
from helpline.conversations.statuses import Status
from helpline.security.models import ApiKey, AuditEntry


@pytest.fixture
def three(account, make_ticket):
    return [make_ticket(account, subject=f"Ticket {n}") for n in range(3)]


def snapshot():
    return (
        list(Ticket.objects.order_by("id").values_list("id", "status", "merged_into", "message_count")),
        list(Message.objects.order_by("id").values_list("id", "ticket_id")),
        AuditEntry.objects.count(),
        BulkJob.objects.count(),
    )


def test_merge_answers_the_survivor_and_the_merged_ticket_points_to_it(api, three, account):
    target, a, b = three
    response = api.post(f"/tickets/{target.public_id}/merge", {"tickets": [a.public_id, b.public_id]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["id"], data["message_count"], data["merged_into"]) == (target.public_id, 3, None)
    merged = api.get(f"/tickets/{a.public_id}").json()
    assert (merged["merged_into"], merged["status"], merged["message_count"]) == (target.public_id, "resolved", 0)
    key = ApiKey.objects.get(account=account)
    entries = AuditEntry.objects.filter(action="ticket.merged")
    assert sorted(entries.values_list("subject_id", flat=True)) == sorted(t.public_id for t in three)
    assert {e.actor_api_key_id for e in entries} == {key.pk}


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "tickets"),
        ({"tickets": []}, "tickets"),
        ({"tickets": ["nosuchticket"]}, "tickets"),
        ({"tickets": ["a"], "x": 1}, "x"),
    ],
)
def test_merge_bad_input_is_a_400_naming_the_field(api, three, body, field):
    before = snapshot()
    problem = assert_problem(api.post(f"/tickets/{three[0].public_id}/merge", body), 400)
    assert problem["errors"][0]["field"] == field
    assert snapshot() == before


def test_merge_into_itself_is_a_400_and_a_live_chat_a_409(api, three):
    target, a, _b = three
    before = snapshot()
    problem = assert_problem(api.post(f"/tickets/{target.public_id}/merge", {"tickets": [target.public_id]}), 400)
    assert problem["detail"] == "A ticket cannot be merged into itself."
    Ticket.objects.filter(pk=a.pk).update(status=Status.CHATTING)
    before = snapshot()
    problem = assert_problem(
        api.post(f"/tickets/{target.public_id}/merge", {"tickets": [a.public_id]}), 409, "conflict"
    )
    assert problem["detail"] == f"Ticket #{a.code} is a live chat or call; wait until it has ended."
    assert snapshot() == before


def test_merge_without_a_key_is_401_and_across_accounts_404_or_400(api, other_api, three, other_account, make_ticket):
    target, a, _b = three
    foreign = make_ticket(other_account)
    before = snapshot()
    assert_problem(api.post(f"/tickets/{target.public_id}/merge", {"tickets": [a.public_id]}, key=None), 401)
    assert_problem(other_api.post(f"/tickets/{target.public_id}/merge", {"tickets": [foreign.public_id]}), 404)
    assert_problem(api.post("/tickets/nosuchticket/merge", {"tickets": [a.public_id]}), 404)
    problem = assert_problem(api.post(f"/tickets/{target.public_id}/merge", {"tickets": [foreign.public_id]}), 400)
    assert problem["errors"][0] == {
        "field": "tickets", "in": "body", "message": f"No ticket with id {foreign.public_id} in this account.",
        "code": "invalid",
    }  # fmt: skip
    assert snapshot() == before


def test_bulk_returns_a_job_whose_progress_can_be_read(api, three, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/tickets/bulk", {"action": "resolve", "tickets": [t.public_id for t in three]})
    assert response.status_code == 202, response.content
    queued = response.json()
    assert (queued["action"], queued["state"], queued["total"], queued["processed"]) == ("resolve", "queued", 3, 0)

    job = api.get(f"/bulk-jobs/{queued['id']}")
    assert job.status_code == 200
    data = job.json()
    assert {k: data[k] for k in ("state", "total", "processed", "done", "failed", "percent", "failures")} == {
        "state": "finished", "total": 3, "processed": 3, "done": 3, "failed": 0, "percent": 100, "failures": [],
    }  # fmt: skip
    assert data["finished_at"] is not None
    assert set(Ticket.objects.values_list("status", flat=True)) == {"resolved"}


def test_bulk_over_a_filter_with_arguments(api, three, account, django_capture_on_commit_callbacks):
    Ticket.objects.filter(pk=three[0].pk).update(status=Status.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/tickets/bulk", {"action": "tag", "filter": {"status": "new"}, "tags": ["later"]})
    assert response.status_code == 202, response.content
    job = api.get(f"/bulk-jobs/{response.json()['id']}").json()
    assert (job["total"], job["done"]) == (2, 2)
    tagged = set(Ticket.objects.filter(tags__name="later").values_list("pk", flat=True))
    assert tagged == {three[1].pk, three[2].pk}


def test_bulk_reports_tickets_of_another_account_and_changes_nothing_there(
    api, other_api, three, other_account, make_ticket, django_capture_on_commit_callbacks
):
    foreign = make_ticket(other_account)
    with django_capture_on_commit_callbacks(execute=True):
        response = other_api.post(
            "/tickets/bulk", {"action": "spam", "tickets": [three[0].public_id, foreign.public_id]}
        )
    job = other_api.get(f"/bulk-jobs/{response.json()['id']}").json()
    assert (job["done"], job["failed"]) == (1, 1)
    assert job["failures"] == [
        {"ticket": three[0].public_id, "code": "",
         "reason": "No such ticket: it was deleted, or belongs to another account."}
    ]  # fmt: skip
    assert Ticket.objects.get(pk=three[0].pk).status == "new"
    assert Ticket.objects.get(pk=foreign.pk).status == "spam"
    assert_problem(api.get(f"/bulk-jobs/{response.json()['id']}"), 404)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "resolve"}, "tickets"),
        ({"action": "resolve", "tickets": ["a"], "filter": {}}, "tickets"),
        ({"action": "launch", "tickets": ["a"]}, "action"),
        ({"action": "transfer", "tickets": ["a"], "department": "nosuchdept"}, "department"),
        ({"action": "assign", "tickets": ["a"], "assignee": "nosuchagent"}, "assignee"),
        ({"action": "priority", "tickets": ["a"]}, "priority"),
        ({"action": "tag", "tickets": ["a"], "tags": []}, "tags"),
        ({"action": "resolve", "filter": {"tag": "no-such-tag"}}, "filter"),
        ({"action": "resolve", "filter": {"stauts": "new"}}, "filter.stauts"),
        ({"action": "resolve", "tickets": "a"}, "tickets"),
    ],
)
def test_bulk_bad_input_is_a_400_naming_the_field_and_starts_nothing(api, three, body, field):
    before = snapshot()
    problem = assert_problem(api.post("/tickets/bulk", body), 400)
    assert problem["errors"][0]["field"] == field
    assert snapshot() == before


def test_bulk_with_nothing_selected_is_a_400(api, three):
    before = snapshot()
    problem = assert_problem(api.post("/tickets/bulk", {"action": "resolve", "filter": {"status": "spam"}}), 400)
    assert problem["detail"] == "Choose at least one ticket."
    assert snapshot() == before


def test_bulk_without_a_key_is_401_and_an_unknown_job_404(api, three):
    before = snapshot()
    assert_problem(api.post("/tickets/bulk", {"action": "resolve", "tickets": [three[0].public_id]}, key=None), 401)
    assert_problem(api.get("/bulk-jobs/nosuchjob"), 404, "not_found")
    assert_problem(api.get("/bulk-jobs/nosuchjob", key=None), 401)
    assert snapshot() == before


def test_reading_a_job_costs_a_fixed_number_of_queries(api, three, django_assert_max_num_queries):
    job_id = api.post("/tickets/bulk", {"action": "resolve", "tickets": [t.public_id for t in three]}).json()["id"]
    with django_assert_max_num_queries(3):  # the key, its account, the job
        assert api.get(f"/bulk-jobs/{job_id}").status_code == 200
