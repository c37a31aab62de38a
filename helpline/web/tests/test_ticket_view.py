"""The ticket page, its partials, replies and notes; other accounts' tickets are 404."""

from __future__ import annotations

import pytest

from helpline.conversations.models import Message, Ticket
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_role
from helpline.tenancy.actions.members import change_role
from helpline.tenancy.models import Membership
from helpline.web.tests.conftest import HTMX


def audit_rows(ticket) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(subject_id=ticket.public_id)
        .order_by("id")
        .values_list("action", "actor_user_id", "data")
    )


def test_the_ticket_page_shows_the_thread_and_the_side_panel(agent_client, ticket):
    response = agent_client.get(f"/agent/tickets/{ticket.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="page-title" id="ticket-subject">Printer on fire</h1>' in body
    assert '<div class="msg__body prose"><p>Please help, it is burning.</p></div>' in body
    assert 'class="msg msg--in"' in body
    assert 'id="side-panel"' in body
    assert 'id="composer"' in body


def test_message_html_is_rendered_as_stored_and_text_bodies_are_escaped(agent_client, ticket, agent):
    from helpline.conversations.actions import add_note

    add_note(ticket=ticket, author=agent, html_body="<p>Use <b>bold</b><script>alert(1)</script></p>")
    add_note(ticket=ticket, author=agent, text="<script>alert(2)</script>")
    body = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert "<p>Use <b>bold</b></p>" in body
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_thread_and_panel_partials_render_alone(agent_client, ticket):
    thread = agent_client.get(f"/agent/tickets/{ticket.public_id}/thread/").content.decode()
    assert thread.lstrip().startswith('<section id="thread"')
    assert "Please help, it is burning." in thread
    panel = agent_client.get(f"/agent/tickets/{ticket.public_id}/panel/").content.decode()
    assert panel.lstrip().startswith('<aside id="side-panel"')
    assert '<option value="new" selected>New</option>' in panel


@pytest.mark.parametrize("suffix", ["", "thread/", "panel/"])
def test_a_ticket_of_another_account_is_not_found(agent_client, other_account, make_ticket, suffix):
    theirs = make_ticket(other_account, subject="Globex secret")
    response = agent_client.get(f"/agent/tickets/{theirs.public_id}/{suffix}")
    assert response.status_code == 404
    assert "Globex secret" not in response.content.decode()


@pytest.mark.parametrize("action", ["reply", "note", "assign", "transfer", "status", "priority", "tags"])
def test_no_write_reaches_a_ticket_of_another_account(agent_client, other_account, make_ticket, action):
    theirs = make_ticket(other_account)
    before = (Message.objects.filter(ticket=theirs).count(), AuditEntry.objects.count())
    payload = {"body": "hi", "status": "resolved", "priority": "high", "tags": "x", "assignee": "", "department": ""}
    response = agent_client.post(f"/agent/tickets/{theirs.public_id}/{action}/", payload)
    assert response.status_code == 404
    assert (Message.objects.filter(ticket=theirs).count(), AuditEntry.objects.count()) == before
    theirs.refresh_from_db()
    assert (theirs.status, theirs.priority) == ("new", 2)


def test_reply_is_queued_sent_and_audited(agent_client, ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "We are on it."})
    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{ticket.public_id}/"
    reply = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert (reply.direction, reply.kind, reply.body_text, reply.body_html, reply.author_user_id) == (
        "out", "web", "We are on it.", "<p>We are on it.</p>", agent.pk,
    )  # fmt: skip
    assert reply.delivery_status == "sent"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count) == ("answered", 2)
    assert ticket.first_response_at is not None
    assert audit_rows(ticket)[-1] == ("reply.queued", agent.pk, {"message": reply.public_id})


def test_an_htmx_reply_returns_a_fresh_composer_and_swaps_thread_and_panel(agent_client, ticket):
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Done!"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="composer"')
    assert f'data-thread-for="{ticket.public_id}" hx-swap-oob="true"' in body
    assert f'data-panel-for="{ticket.public_id}" hx-swap-oob="true"' in body
    assert "<p>Done!</p>" in body
    assert '<option value="answered" selected>Answered</option>' in body


def test_an_internal_note_stays_internal_and_keeps_the_status(agent_client, ticket, agent):
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/note/", {"body": "Called them."})
    assert response.status_code == 302
    note = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert (note.direction, note.kind, note.body_text, note.delivery_status) == ("internal", "note", "Called them.", "")
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert audit_rows(ticket)[-1] == ("note.added", agent.pk, {"message": note.public_id})
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert 'class="msg msg--internal"' in page


@pytest.mark.parametrize("action", ["reply", "note"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_empty_message_is_refused_and_nothing_is_written(agent_client, ticket, action, headers):
    before = (Message.objects.count(), AuditEntry.objects.count())
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/{action}/", {"body": "   "}, **headers)
    assert response.status_code == 422
    assert "The message is empty." in response.content.decode()
    assert (Message.objects.count(), AuditEntry.objects.count()) == before
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_writes_only_accept_post(agent_client, ticket):
    assert agent_client.get(f"/agent/tickets/{ticket.public_id}/reply/").status_code == 405
    assert agent_client.get(f"/agent/tickets/{ticket.public_id}/status/").status_code == 405


def test_a_custom_role_without_ticket_work_cannot_open_tickets(agent_client, ticket, account, agent):
    role = create_role(account=account, name="Reporter", permission_keys=["reports.view"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    assert agent_client.get(f"/agent/tickets/{ticket.public_id}/").status_code == 403
    assert agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "x"}).status_code == 403
    assert Message.objects.filter(ticket=ticket).count() == 1
