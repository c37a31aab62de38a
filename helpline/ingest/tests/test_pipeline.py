import pytest

from helpline.conversations.models import Message, Ticket
from helpline.ingest.models import InboundRecord
from helpline.ingest.pipeline import InboundAttachment, InboundMessage, ingest
from helpline.ingest.raw import read_raw


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def inbound(account, **overrides):
    fields = dict(
        account=account,
        channel="email",
        kind="email",
        sender_kind="email",
        sender_value="Dana@Example.com",
        sender_name="Dana",
        subject="Order 17 missing",
        text="Where is my order?",
        external_id="<m1@example.com>",
        raw=b"From: dana@example.com\r\nSubject: Order 17 missing\r\n\r\nWhere is my order?\r\n",
    )
    fields.update(overrides)
    return InboundMessage(**fields)


def test_new_message_opens_a_ticket_and_keeps_the_raw_source(account):
    result = ingest(inbound(account, attachments=[InboundAttachment("photo.png", "image/png", b"\x89PNG")]))
    assert (result.duplicate, result.thread_reason) == (False, "new_ticket")
    ticket = result.message.ticket
    assert (ticket.subject, ticket.channel, ticket.status) == ("Order 17 missing", "email", "new")
    assert ticket.contact.primary_email == "dana@example.com"
    assert result.message.body_text == "Where is my order?"
    assert list(result.message.attachments.values_list("name", "size")) == [("photo.png", 4)]
    record = InboundRecord.objects.get()
    assert record.state == "processed"
    assert record.message == result.message
    assert read_raw(record.raw_key) == inbound(account).raw


def test_reply_by_reference_and_by_ticket_code(account):
    first = ingest(inbound(account)).message
    Message.objects.filter(pk=first.pk).update(external_id="<sent-by-us@helpline>")
    by_ref = ingest(inbound(account, external_id="<m2@example.com>", references=["<sent-by-us@helpline>"]))
    assert (by_ref.thread_reason, by_ref.message.ticket_id) == ("reference", first.ticket_id)
    code = first.ticket.code
    by_code = ingest(inbound(account, external_id="<m3@example.com>", subject=f"Re: where? [#{code}]"))
    assert (by_code.thread_reason, by_code.message.ticket_id) == ("ticket_code", first.ticket_id)
    assert Ticket.objects.count() == 1


def test_stranger_quoting_a_ticket_code_gets_a_ticket_of_their_own(account):
    first = ingest(inbound(account)).message
    stranger = ingest(
        inbound(
            account, sender_value="mallory@evil.example", external_id="<x@evil>", subject=f"Re: [#{first.ticket.code}]"
        )
    )
    assert stranger.thread_reason == "new_ticket"
    assert stranger.message.ticket_id != first.ticket_id
    assert first.ticket.messages.count() == 1


def test_redelivery_is_deduplicated(account):
    first = ingest(inbound(account))
    again = ingest(inbound(account))
    assert (again.duplicate, again.message) == (True, first.message)
    assert Message.objects.count() == 1
    assert InboundRecord.objects.count() == 2  # the raw copy is still kept


def test_without_external_id_identical_bytes_are_deduplicated(account):
    ingest(inbound(account, channel="web", kind="form", external_id=""))
    assert ingest(inbound(account, channel="web", kind="form", external_id="")).duplicate
    assert not ingest(inbound(account, channel="web", kind="form", external_id="", raw=b"other")).duplicate
    assert Ticket.objects.count() == 2


def test_a_failing_message_is_quarantined_and_its_raw_source_kept(account):
    result = ingest(inbound(account, kind="not-a-kind"))
    assert result.message is None
    assert result.record.state == "quarantined"
    assert "Unknown message kind" in result.record.error
    assert Ticket.objects.count() == 0
    assert read_raw(result.record.raw_key).startswith(b"From: dana@example.com")


def test_other_accounts_references_never_match(account, other_account):
    first = ingest(inbound(account)).message
    Message.objects.filter(pk=first.pk).update(external_id="<shared@x>")
    other = ingest(inbound(other_account, external_id="<o@x>", references=["<shared@x>"]))
    assert other.thread_reason == "new_ticket"
    assert other.message.ticket.account == other_account
