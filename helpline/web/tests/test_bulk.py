"""Bulk actions from the inbox (start, progress, errors, isolation) and the merged ticket's redirect."""

from __future__ import annotations

import json

import pytest

from helpline.bulk.models import BulkJob
from helpline.conversations import actions
from helpline.conversations.models import Ticket
from helpline.conversations.statuses import Status
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in


@pytest.fixture
def tickets(account, make_ticket):
    return [make_ticket(account, subject=f"Ticket {n}") for n in range(3)]


def statuses(tickets):
    return [Ticket.objects.get(pk=t.pk).status for t in tickets]


def test_the_inbox_offers_a_checkbox_per_row_and_the_bulk_bar(agent_client, tickets):
    body = agent_client.get("/agent/").content.decode()
    assert body.count("data-bulk-check") == 3
    for ticket in tickets:
        assert f'name="tickets" value="{ticket.public_id}"' in body
    assert 'id="bulk-form"' in body
    assert '<option value="resolve">Resolve</option>' in body
    assert 'data-confirm="Merge: are you sure? This changes every selected ticket."' in body


def test_bulk_resolve_of_selected_tickets_shows_the_finished_job(
    agent_client, tickets, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            "/agent/bulk/", {"action": "resolve", "tickets": [tickets[0].public_id, tickets[2].public_id]}, **HTMX
        )
    assert response.status_code == 200
    job = BulkJob.objects.get()
    body = response.content.decode()
    assert f'data-bulk-job="{job.public_id}"' in body
    assert statuses(tickets) == ["resolved", "new", "resolved"]
    assert AuditEntry.objects.filter(action="ticket.status_changed", actor_user=agent).count() == 2

    progress = agent_client.get(f"/agent/bulk/{job.public_id}/", **HTMX)
    assert progress.status_code == 200
    text = progress.content.decode()
    assert 'data-state="finished"' in text and "hx-get" not in text
    assert "Done: 2 tickets changed." in text
    assert '<progress class="bulk-progress" max="2" value="2"' in text
    assert json.loads(progress["HX-Trigger"]) == {
        "helpline:bulk-finished": {"job": job.public_id, "done": 2, "failed": 0}
    }


def test_a_running_job_keeps_polling(agent_client, tickets, account, agent):
    from helpline.bulk.actions import start_bulk_job

    job = start_bulk_job(account=account, action="resolve", ticket_ids=[tickets[0].public_id])
    body = agent_client.get(f"/agent/bulk/{job.public_id}/", **HTMX).content.decode()
    assert f'hx-get="/agent/bulk/{job.public_id}/"' in body
    assert "Waiting to start on 1 tickets…" in body


def test_bulk_over_the_filter_takes_every_matching_ticket(agent_client, tickets, django_capture_on_commit_callbacks):
    actions.change_status(ticket=tickets[1], status=Status.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            "/agent/bulk/",
            {"action": "priority", "priority": "urgent", "scope": "filter", "filter_query": "status=new"},
            **HTMX,
        )
    assert response.status_code == 200
    assert sorted(Ticket.objects.filter(priority=4).values_list("pk", flat=True)) == [tickets[0].pk, tickets[2].pk]


def test_a_failed_ticket_is_listed_with_its_reason(agent_client, tickets, django_capture_on_commit_callbacks):
    Ticket.objects.filter(pk=tickets[1].pk).update(status=Status.CHATTING)
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post("/agent/bulk/", {"action": "spam", "tickets": [t.public_id for t in tickets]}, **HTMX)
    job = BulkJob.objects.get()
    body = agent_client.get(f"/agent/bulk/{job.public_id}/", **HTMX).content.decode()
    assert "Done: 2 tickets changed." in body and "1 ticket left alone." in body
    assert f"<li>Ticket #{tickets[1].code} is a live chat or call; wait until it has ended.</li>" in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "launch", "tickets": ["x"]}, "Unknown bulk action launch."),
        ({"action": "resolve"}, "Choose at least one ticket."),
        ({"action": "transfer", "tickets": ["x"]}, "Choose a department of this account."),
        ({"action": "resolve", "scope": "filter", "filter_query": "department=nosuch"},
         "There is no such department in this account."),
    ],
)  # fmt: skip
def test_bad_requests_show_the_reason_and_start_nothing(agent_client, tickets, data, message):
    response = agent_client.post("/agent/bulk/", data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert BulkJob.objects.count() == 0
    assert statuses(tickets) == ["new"] * 3


def test_another_accounts_agent_cannot_see_the_job_nor_change_the_tickets(
    tickets, account, other_account, make_agent, django_capture_on_commit_callbacks
):
    from helpline.bulk.actions import start_bulk_job

    job = start_bulk_job(account=account, action="resolve", ticket_ids=[tickets[0].public_id])
    outsider = signed_in(make_agent(other_account, "eve@globex.test"), other_account)
    assert outsider.get(f"/agent/bulk/{job.public_id}/", **HTMX).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        outsider.post("/agent/bulk/", {"action": "delete", "tickets": [tickets[1].public_id]}, **HTMX)
    theirs = BulkJob.objects.get(account=other_account)
    assert (theirs.done, theirs.failed) == (0, 1)
    assert statuses(tickets) == ["new"] * 3


def test_signed_out_requests_go_to_sign_in(client, tickets):
    assert client.post("/agent/bulk/", {"action": "resolve", "tickets": [tickets[0].public_id]}).status_code == 302
    assert client.get("/agent/bulk/whatever/").status_code == 302
    assert BulkJob.objects.count() == 0


def test_a_merged_tickets_page_redirects_to_the_survivor(agent_client, tickets, django_capture_on_commit_callbacks):
    actions.merge_tickets(target=tickets[0], sources=[tickets[1]])
    response = agent_client.get(f"/agent/tickets/{tickets[1].public_id}/")
    assert (response.status_code, response["Location"]) == (302, f"/agent/tickets/{tickets[0].public_id}/")
    page = agent_client.get(response["Location"]).content.decode()
    assert f"Ticket #{tickets[1].code} was merged into this ticket." in page


def test_bulk_merge_links_to_the_survivor(agent_client, tickets, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post("/agent/bulk/", {"action": "merge", "tickets": [t.public_id for t in tickets[:2]]}, **HTMX)
    job = BulkJob.objects.get()
    body = agent_client.get(f"/agent/bulk/{job.public_id}/", **HTMX).content.decode()
    assert f'href="/agent/tickets/{tickets[0].public_id}/" data-bulk-survivor' in body
    assert f"Open the merged ticket #{tickets[0].code}" in body
