"""Delivery reports mark the delivery of the message they return; unknown ones are quarantined, never tickets.

Replays real DSNs from the shared corpora (mikel/mail fixtures) after giving one of our sent replies the
Message-ID the report quotes.
"""

import os
from pathlib import Path

import pytest

from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Message, Ticket
from helpline.ingest.models import InboundRecord

CORPORA = Path(os.environ.get("HELPLINE_CORPORA_DIR") or Path(__file__).resolve().parents[5] / "shared" / "corpora")
REPORTS = CORPORA / "mail" / "mikel-mail" / "multipart_report_emails"


def report(name: str) -> bytes:
    path = REPORTS / name
    if not path.exists():
        pytest.fail(f"the shared corpora are missing: {path}")
    return path.read_bytes()


@pytest.fixture
def sent(account, mailbox, agent, receive, reply, smtp_sink):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    return reply(ticket, agent, text="Here is your label.")


def test_a_failure_report_marks_the_reply_failed_and_opens_no_ticket(account, mailbox, sent, receive):
    Message.objects.filter(pk=sent.pk).update(external_id="<200712232303.lBNN3jDq002941@mail12.rrrr.com.au>")
    tickets, messages = Ticket.objects.count(), Message.objects.count()
    result = receive(account, report("report_530.eml"), mailbox)
    assert (result.thread_reason, result.message.pk, result.duplicate) == ("bounce", sent.pk, False)
    failed = Message.objects.get(pk=sent.pk)
    assert failed.delivery_status == "failed"
    assert failed.delivery_error == "Bounced: 5.3.0 (edwin@zzzzzzz.com)"
    assert (Ticket.objects.count(), Message.objects.count()) == (tickets, messages)
    record = InboundRecord.objects.get(pk=result.record.pk)
    assert (record.state, record.thread_reason, record.message_id) == ("processed", "bounce", sent.pk)


def test_a_delay_report_changes_nothing(account, mailbox, sent, receive):
    Message.objects.filter(pk=sent.pk).update(
        external_id="<15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au>"
    )
    result = receive(account, report("report_422.eml"), mailbox)
    assert result.thread_reason == "bounce_delayed"
    assert Message.objects.get(pk=sent.pk).delivery_status == "sent"


def test_a_report_on_a_message_we_never_sent_is_quarantined(account, mailbox, sent, receive, smtp_sink):
    tickets, messages = Ticket.objects.count(), Message.objects.count()
    envelopes = len(smtp_sink.envelopes)
    result = receive(account, report("report_530.eml"), mailbox)
    assert (result.thread_reason, result.message) == ("bounce_unmatched", None)
    record = InboundRecord.objects.get(pk=result.record.pk)
    assert record.state == "quarantined"
    assert record.error == (
        "Delivery report for a message Helpline did not send (<200712232303.lBNN3jDq002941@mail12.rrrr.com.au>)."
    )
    assert (Ticket.objects.count(), Message.objects.count()) == (tickets, messages)
    assert Message.objects.get(pk=sent.pk).delivery_status == "sent"
    assert len(smtp_sink.envelopes) == envelopes  # and nobody is answered


def test_a_bounce_of_our_own_fresh_reply_through_a_real_round_trip(account, mailbox, sent, receive):
    """A DSN built like Postfix builds one, quoting the Message-ID Helpline put on the reply."""
    dsn = (
        "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\n"
        "To: support@acme.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.example.com>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be"
        " delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        "Final-Recipient: rfc822; carla@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Acme <support@acme.test>\r\nMessage-ID: {sent.external_id}\r\nSubject: Re: Broken kettle\r\n"
        "--B--\r\n"
    ).encode()
    result = receive(account, dsn, mailbox)
    assert result.thread_reason == "bounce"
    failed = Message.objects.get(pk=sent.pk)
    assert (failed.delivery_status, failed.delivery_error) == ("failed", "Bounced: 5.1.1 (carla@example.com)")
