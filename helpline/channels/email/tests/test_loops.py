"""Automatic answers: the acknowledgement, every header that forbids one, system addresses, rate limits."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.email import autoreply, loops
from helpline.channels.email.inbound import receive_emails
from helpline.channels.email.models import AcceptedDomain, AutoReplyLog, EmailTemplate
from helpline.channels.email.tests.mail import body, raw_mail
from helpline.conversations.models import Message


def test_new_ticket_is_acknowledged_from_the_mailbox_with_an_empty_envelope_sender(
    account, mailbox, receive, smtp_sink
):
    result = receive(account, raw_mail(), mailbox)
    ticket = result.message.ticket
    [envelope] = smtp_sink.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("<>", ["carla@example.com"])  # MAIL FROM:<>
    mail = smtp_sink.parsed()
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["From"] == "Acme <support@acme.test>"
    assert mail["To"] == "carla@example.com"
    assert mail["Subject"] == f"Re: Broken kettle [#{ticket.code}]"
    assert mail["In-Reply-To"] == "<m1@example.com>"
    assert mail["References"] == "<m1@example.com>"
    assert re.fullmatch(rf"<hl1\.[0-9a-z]{{16}}\.{ticket.public_id}@acme\.test>", mail["Message-ID"])
    text = body(mail, "plain")
    assert "Hello Carla Customer," in text
    assert f"Your ticket number is {ticket.code}." in text
    ack = ticket.messages.get(direction="out")
    assert (ack.author_user, ack.meta["automatic"], ack.delivery_status, ack.external_id) == (
        None,
        "new_ticket",
        "sent",
        mail["Message-ID"],
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == ("new", None)  # an automatic answer answers nothing
    assert list(AutoReplyLog.objects.values_list("ticket", "recipient", "kind")) == [
        (ticket.pk, "carla@example.com", "new_ticket")
    ]


SUPPRESSING = [
    ({"Auto-Submitted": "auto-replied"}, "auto_submitted"),
    ({"Auto-Submitted": "auto-generated"}, "auto_submitted"),
    ({"Precedence": "bulk"}, "precedence"),
    ({"Precedence": "junk"}, "precedence"),
    ({"Precedence": "list"}, "precedence"),
    ({"X-Autoreply": "yes"}, "x_autoreply"),
    ({"X-Autorespond": "Out of office"}, "x_autoreply"),
    ({"X-Auto-Response-Suppress": "All"}, "x_auto_response_suppress"),
    ({"X-Auto-Response-Suppress": "DR, OOF, AutoReply"}, "x_auto_response_suppress"),
    ({"List-Id": "Kettle fans <kettles.lists.example.com>"}, "list_id"),
    ({"Return-Path": "<>"}, "null_sender"),
]


@pytest.mark.parametrize(("headers", "reason"), SUPPRESSING, ids=[r + "-" + "".join(h) for h, r in SUPPRESSING])
def test_headers_forbidding_an_automatic_answer(account, mailbox, receive, smtp_sink, headers, reason):
    result = receive(account, raw_mail(headers=headers), mailbox)
    assert result.thread_reason == "new_ticket"  # the mail is still a ticket…
    assert result.message.meta["auto_reply_suppressed"] == reason
    assert smtp_sink.envelopes == []  # …but nothing answers it
    assert not AutoReplyLog.objects.exists()
    assert not Message.objects.filter(direction="out").exists()


def test_auto_submitted_no_is_a_person(account, mailbox, receive, smtp_sink):
    receive(account, raw_mail(headers={"Auto-Submitted": "no", "X-Auto-Response-Suppress": "RN, NRN"}), mailbox)
    assert len(smtp_sink.envelopes) == 1


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.com",
        "postmaster@example.com",
        "noreply@shop.example",
        "no-reply@shop.example",
        "do-not-reply@shop.example",
        "donotreply@shop.example",
        "owner-kettles@lists.example.com",
        "kettles-request@lists.example.com",
    ],
)
def test_system_addresses_never_get_an_answer(account, mailbox, receive, smtp_sink, sender):
    result = receive(account, raw_mail(sender=sender), mailbox)
    assert result.message.meta["auto_reply_suppressed"] == "system_address"
    assert smtp_sink.envelopes == []
    assert not AutoReplyLog.objects.exists()


@pytest.mark.parametrize("sender", ["xxxxx@xxxxx", "jd\u00f6e@m\u00e4chine.example"])
def test_an_address_nothing_could_deliver_gets_no_answer_and_no_error(
    account, mailbox, receive, smtp_sink, sender, caplog
):
    result = receive(account, raw_mail(sender=sender), mailbox)
    assert result.message.meta["auto_reply_suppressed"] == "invalid_address"
    assert smtp_sink.envelopes == []
    assert not AutoReplyLog.objects.exists()
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []


@pytest.mark.parametrize("sender", ["support@acme.test", "SALES@acme.test", "anyone@help.acme.test"])
def test_mail_from_our_own_mailboxes_gets_no_answer(account, mailbox, make_mailbox, receive, smtp_sink, sender):
    make_mailbox(account, "sales@acme.test")
    AcceptedDomain.objects.create(account=account, domain="help.acme.test", mailbox=mailbox)
    result = receive(account, raw_mail(sender=sender), mailbox)
    assert result.message.meta["auto_reply_suppressed"] == "own_address"
    assert smtp_sink.envelopes == []


def test_mail_from_an_agent_gets_no_answer(account, mailbox, agent, receive, smtp_sink):
    result = receive(account, raw_mail(sender=agent.email), mailbox)
    assert result.message.meta["auto_reply_suppressed"] == "agent_sender"
    assert smtp_sink.envelopes == []


def test_replies_on_an_existing_ticket_get_no_acknowledgement(account, mailbox, receive, smtp_sink):
    code = receive(account, raw_mail(), mailbox).message.ticket.code
    receive(account, raw_mail(message_id="<m2@example.com>", subject=f"Re: [#{code}]"), mailbox)
    assert len(smtp_sink.envelopes) == 1


def test_a_failing_acknowledgement_leaves_the_ticket_stored_and_nothing_of_itself(
    account, mailbox, receive, smtp_sink, monkeypatch
):
    """The acknowledgement runs in the delivery's own transaction, in a savepoint: a failure there is rolled
    back alone, its queued answer included. (Its last step is made to fail: the one fault injected here.)"""
    from helpline.ingest.models import InboundRecord

    def broken(*args, **kwargs):
        raise RuntimeError("log unreachable")

    monkeypatch.setattr(loops, "log_auto_reply", broken)
    result = receive(account, raw_mail(), mailbox)
    ticket = result.message.ticket
    assert (result.thread_reason, result.new_ticket, result.record.state) == ("new_ticket", True, "processed")
    assert list(ticket.messages.values_list("direction", "external_id")) == [("in", "<m1@example.com>")]
    assert InboundRecord.objects.get().state == InboundRecord.PROCESSED
    assert AutoReplyLog.objects.count() == 0
    assert smtp_sink.envelopes == []


def test_at_most_five_answers_per_recipient_a_day(account, mailbox, receive, smtp_sink):
    for n in range(7):
        receive(account, raw_mail(message_id=f"<n{n}@example.com>", subject=f"Question {n}"), mailbox)
    assert len(smtp_sink.envelopes) == loops.MAX_PER_RECIPIENT == 5
    assert AutoReplyLog.objects.count() == 5
    AutoReplyLog.objects.update(sent_at=AutoReplyLog.objects.first().sent_at - timedelta(hours=25))
    receive(account, raw_mail(message_id="<later@example.com>", subject="A day later"), mailbox)
    assert len(smtp_sink.envelopes) == 6


def test_a_batch_counts_each_recipients_answers_once_and_then_its_own(
    account, mailbox, receive, smtp_sink, django_capture_on_commit_callbacks
):
    for n in range(2):
        receive(account, raw_mail(message_id=f"<early{n}@example.com>", subject=f"Early {n}"), mailbox)
    raws = [raw_mail(message_id=f"<b{n}@example.com>", subject=f"Batch {n}") for n in range(5)]
    raws.insert(2, raw_mail(sender="dan@example.com", message_id="<dan@example.com>", subject="Dan's"))
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        results = receive_emails(account=account, raws=raws, mailbox=mailbox)
    assert [r.thread_reason for r in results] == ["new_ticket"] * 6
    logged = AutoReplyLog.objects.order_by("id").values_list("recipient", flat=True)
    assert list(logged) == ["carla@example.com"] * 4 + ["dan@example.com", "carla@example.com"]
    assert len(smtp_sink.envelopes) == 6  # Carla's five a day, and Dan's one
    counts = [q["sql"] for q in queries if 'FROM "email_channel_autoreplylog"' in q["sql"]]
    if connection.features.has_select_for_update:  # counted under each recipient's row lock instead
        assert len(counts) == 6
    else:
        assert len(counts) == 1 and "GROUP BY" in counts[0]


def test_at_most_one_answer_per_ticket_an_hour(account, mailbox, receive, smtp_sink):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    assert autoreply.send_automatic(ticket=ticket, kind="new_ticket", recipient="carla@example.com") == "ticket_limit"
    assert autoreply.send_automatic(ticket=ticket, kind="new_ticket", recipient="dan@example.com") == "ticket_limit"
    AutoReplyLog.objects.update(sent_at=AutoReplyLog.objects.get().sent_at - timedelta(minutes=61))
    assert autoreply.send_automatic(ticket=ticket, kind="new_ticket", recipient="dan@example.com") == "sent"
    assert AutoReplyLog.objects.count() == 2


def test_limits_come_from_settings(account, mailbox, receive, smtp_sink, settings):
    settings.HELPLINE_AUTO_REPLY_MAX_PER_RECIPIENT = 2
    for n in range(4):
        receive(account, raw_mail(message_id=f"<s{n}@example.com>", subject=f"Question {n}"), mailbox)
    assert len(smtp_sink.envelopes) == 2


def test_switched_off_template_sends_nothing(account, mailbox, receive, smtp_sink):
    EmailTemplate.objects.create(account=account, kind="new_ticket", is_active=False, subject="x", body_text="y")
    receive(account, raw_mail(), mailbox)
    assert smtp_sink.envelopes == []
    assert not AutoReplyLog.objects.exists()


def test_the_accounts_own_template_is_used(account, mailbox, receive, smtp_sink):
    EmailTemplate.objects.create(
        account=account,
        kind="new_ticket",
        subject="Got it: {{ ticket.subject }}",
        body_text="Dear {{ contact.name }}, ticket {{ ticket.code }} is open.",
    )
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    mail = smtp_sink.parsed()
    assert mail["Subject"] == f"Got it: Broken kettle [#{ticket.code}]"
    assert body(mail, "plain").strip() == f"Dear Carla Customer, ticket {ticket.code} is open."
    assert f"<p>Dear Carla Customer, ticket {ticket.code} is open.</p>" in body(mail, "html")


def test_header_reasons_are_exact():
    from helpline.channels.email.parsing import parse_email

    assert loops.header_reason(parse_email(raw_mail())) == ""
    assert loops.is_system_address("carla@example.com") is False
    assert loops.is_system_address("not-an-address") is True
    assert loops.is_system_address("no-reply+tag@example.com") is True


def test_a_new_tickets_acknowledgement_reads_the_ticket_it_has_just_inserted_nowhere(account, mailbox, smtp_sink):
    warm_up = raw_mail(message_id="<warm@example.com>", subject="Warm-up")
    receive_emails(account=account, raws=[warm_up], mailbox=mailbox)
    raw = raw_mail(sender="dan@example.com", message_id="<dan1@example.com>", subject="Hello")
    with CaptureQueriesContext(connection) as queries:
        [result] = receive_emails(account=account, raws=[raw], mailbox=mailbox)
    replies = list(result.message.ticket.messages.order_by("id").values_list("direction", "meta__automatic"))
    assert replies == [("in", None), ("out", "new_ticket")]
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and 'FROM "conversations_ticket"' in q["sql"]]
    assert reads == []
