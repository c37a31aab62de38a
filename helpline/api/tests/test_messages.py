"""/tickets/{id}/messages: the thread, replies and notes."""

from __future__ import annotations

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.actions import add_note, receive_message, send_reply, store_attachment
from helpline.conversations.models import Message, Ticket
from helpline.security.models import ApiKey, AuditEntry


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_thread_shape_oldest_first(api, ticket, agent):
    first = Message.objects.get(ticket=ticket)
    reply = send_reply(ticket=ticket, author=agent, text="On it.")
    note = add_note(ticket=ticket, author=agent, text="Check the fuser.")
    file = store_attachment(message=reply, name="steps.pdf", content=b"%PDF-1.4", content_type="application/pdf")

    response = api.get(f"/tickets/{ticket.public_id}/messages")

    assert response.status_code == 200
    contact = ticket.contact
    assert response.json() == {
        "items": [
            {"id": first.public_id, "kind": "web", "direction": "in", "body_text": "Please help, it is burning.",
             "body_html": "<p>Please help, it is burning.</p>",
             "author": {"type": "contact", "id": contact.public_id, "name": "Carla Customer"},
             "attachments": [], "delivery_status": "", "created_at": _iso(first.created_at)},
            {"id": reply.public_id, "kind": "web", "direction": "out", "body_text": "On it.",
             "body_html": "<p>On it.</p>", "author": {"type": "agent", "id": agent.public_id, "name": "Alice Agent"},
             "attachments": [{"id": file.public_id, "name": "steps.pdf", "content_type": "application/pdf", "size": 8}],
             "delivery_status": "queued", "created_at": _iso(reply.created_at)},
            {"id": note.public_id, "kind": "note", "direction": "internal", "body_text": "Check the fuser.",
             "body_html": "<p>Check the fuser.</p>",
             "author": {"type": "agent", "id": agent.public_id, "name": "Alice Agent"},
             "attachments": [], "delivery_status": "", "created_at": _iso(note.created_at)},
        ],
        "next_cursor": None,
    }  # fmt: skip


def test_thread_pages(api, ticket):
    for n in range(4):
        receive_message(ticket=ticket, contact=ticket.contact, kind="web", text=f"more {n}")
    expected = list(Message.objects.filter(ticket=ticket).order_by("id").values_list("public_id", flat=True))

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"/tickets/{ticket.public_id}/messages", params).json()
        seen += [m["id"] for m in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert (seen, pages) == (expected, 3)


def test_reply(api, ticket, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "reply", "body": "Fixed.\n\nBye"})

    assert response.status_code == 201
    message = Message.objects.get(public_id=response.json()["id"])
    assert response.json() == {
        "id": message.public_id, "kind": "web", "direction": "out", "body_text": "Fixed.\n\nBye",
        "body_html": "<p>Fixed.</p><p>Bye</p>", "author": None, "attachments": [], "delivery_status": "queued",
        "created_at": _iso(message.created_at),
    }  # fmt: skip
    message.refresh_from_db()
    assert message.delivery_status == "sent"  # the web channel has nothing to send; the task ran on commit
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.message_count, ticket.first_response_at is not None) == ("answered", 2, True)
    audit = AuditEntry.objects.get(subject_id=ticket.public_id, action="reply.queued")
    assert (audit.actor_api_key_id, audit.actor_user_id) == (ApiKey.objects.get(account=account).pk, None)


def test_note(api, ticket):
    response = api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "note", "body": "Internal only"})

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["direction"], body["delivery_status"], body["author"]) == (
        "note", "internal", "", None
    )  # fmt: skip
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.message_count) == ("new", 2)


def test_unknown_kind_is_400(api, ticket):
    problem = assert_problem(
        api.post(f"/tickets/{ticket.public_id}/messages", {"kind": "email", "body": "x"}), 400, "validation"
    )

    assert problem["errors"][0]["field"] == "kind"
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_messages_of_unknown_ticket_are_404(api):
    assert_problem(api.get("/tickets/0000000000000000/messages"), 404, "not_found")
    response = api.post("/tickets/0000000000000000/messages", {"kind": "note", "body": "x"})
    assert_problem(response, 404, "not_found")
    assert Message.objects.count() == 0


def test_invalid_message_cursor_is_400(api, ticket):
    problem = assert_problem(api.get(f"/tickets/{ticket.public_id}/messages", {"cursor": "LTE"}), 400)

    assert problem["errors"][0]["field"] == "cursor"
