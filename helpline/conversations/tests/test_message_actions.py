import pytest

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket
from helpline.conversations.statuses import Status
from helpline.core.errors import DomainError


def test_reply_is_queued_then_sent_by_the_task(ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.send_reply(ticket=ticket, author=agent, text="We are on it.\n\nBest, Alice")
    reply.refresh_from_db()
    ticket.refresh_from_db()
    assert reply.direction == "out"
    assert reply.kind == "web"
    assert reply.body_html == "<p>We are on it.</p><p>Best, Alice</p>"
    assert reply.delivery_status == "sent"  # the web channel has nothing to transmit
    assert ticket.status == Status.ANSWERED
    assert ticket.first_response_at is not None
    assert ticket.message_count == 2


def test_reply_without_commit_stays_queued(ticket, agent):
    reply = actions.send_reply(ticket=ticket, author=agent, text="Queued first")
    assert Message.objects.get(pk=reply.pk).delivery_status == "queued"


def test_customer_message_reopens_answered_ticket(ticket, agent):
    actions.send_reply(ticket=ticket, author=agent, text="Try again?")
    actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Still broken")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_customer_message_keeps_new_ticket_new(ticket):
    actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="More details")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_note_is_internal_and_does_not_change_status(ticket, agent):
    note = actions.add_note(ticket=ticket, author=agent, text="Customer is a VIP")
    assert (note.kind, note.direction, note.delivery_status) == ("note", "internal", "")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_html_is_sanitised(ticket, agent):
    reply = actions.send_reply(
        ticket=ticket,
        author=agent,
        html_body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">link</a>'
        '<img src="https://t.example/p.gif"></p>',
    )
    assert "script" not in reply.body_html
    assert "onclick" not in reply.body_html
    assert "javascript:" not in reply.body_html
    assert reply.body_text == "Hi link"


def test_empty_message_is_rejected_and_nothing_stored(ticket, agent):
    before = Message.objects.count()
    with pytest.raises(DomainError):
        actions.send_reply(ticket=ticket, author=agent, text="   ")
    with pytest.raises(DomainError):
        actions.receive_message(ticket=ticket, contact=ticket.contact, kind="note", text="x")
    assert Message.objects.count() == before


def test_record_delivery_is_idempotent(ticket, agent):
    reply = actions.send_reply(ticket=ticket, author=agent, text="x")
    actions.record_delivery(message=reply, status="sent", external_id="<a@b>")
    again = actions.record_delivery(message=reply, status="sent")
    assert (again.delivery_status, again.delivery_attempts, again.external_id) == ("sent", 1, "<a@b>")


def test_attachment_is_stored_with_hash(ticket, settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    message = ticket.messages.get()
    attachment = actions.store_attachment(
        message=message, name="../../etc/passwd", content=b"hello", content_type="text/plain"
    )
    assert attachment.name == "passwd"
    assert attachment.size == 5
    assert attachment.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert attachment.storage_key.startswith(f"attachments/{ticket.account_id}/2c/")
    with default_storage.open(attachment.storage_key) as handle:
        assert handle.read() == b"hello"


def test_the_same_attachment_twice_is_one_file_and_two_attachments(ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    message = ticket.messages.get()
    first = actions.store_attachment(message=message, name="logo.png", content=b"logo", content_type="image/png")
    second = actions.store_attachment(message=message, name="logo2.png", content=b"logo", content_type="image/png")
    assert first.public_id != second.public_id
    assert first.storage_key == second.storage_key
    assert [p.read_bytes() for p in (tmp_path / first.storage_key).parent.iterdir()] == [b"logo"]
