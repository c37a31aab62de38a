"""Outgoing mail through a real SMTP server (aiosmtpd on loopback): headers, bodies, recipients, failures."""

import re

import pytest
from aiosmtpd.smtp import AuthResult
from huey.exceptions import RetryTask

from helpline.channels.email.models import Mailbox
from helpline.channels.email.outbound import thread_ids
from helpline.channels.email.tests.mail import SmtpRecorder, body, free_port, raw_mail
from helpline.channels.tasks import deliver_message
from helpline.conversations import actions
from helpline.conversations.models import Message, TicketParticipant
from helpline.people.actions import find_or_create_contact


@pytest.fixture
def ticket(account, mailbox, receive, smtp_sink):
    """Carla's mail through the support mailbox (its acknowledgement is cleared from the sink)."""
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    return ticket


def test_reply_headers_are_exact(account, ticket, agent, reply, smtp_sink):
    sent = reply(ticket, agent, text="A new kettle is on its way.")
    [envelope] = smtp_sink.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("support@acme.test", ["carla@example.com"])
    mail = smtp_sink.parsed()
    ack = ticket.messages.get(meta__automatic="new_ticket")
    assert re.fullmatch(
        rf"<hl1\.{sent.public_id}\.{ticket.public_id}\.{agent.public_id}\.[0-9a-z]{{26}}@acme\.test>",
        mail["Message-ID"],
    )
    assert mail["Message-ID"] == sent.external_id
    assert mail["In-Reply-To"] == "<m1@example.com>"
    assert mail["References"] == f"{ack.external_id} <m1@example.com>"
    assert mail["Subject"] == f"Re: Broken kettle [#{ticket.code}]"
    assert mail["From"] == "Acme <support@acme.test>"
    assert mail["To"] == "carla@example.com"
    assert mail["X-Helpline-Ticket"] == ticket.code
    assert mail["Auto-Submitted"] is None and mail["X-Auto-Response-Suppress"] is None
    assert mail["Cc"] is None and mail["Bcc"] is None
    assert mail.get_content_type() == "multipart/alternative"
    text = body(mail, "plain")
    assert text == "A new kettle is on its way.\n\n--\nAlice Agent\nAcme\n"
    html = body(mail, "html")
    assert html == "<p>A new kettle is on its way.</p><p>--<br>Alice Agent<br>Acme</p>\n"


def test_in_reply_to_is_the_last_inbound_message(account, mailbox, ticket, agent, reply, receive, smtp_sink):
    first = reply(ticket, agent, text="Which model?")
    later = raw_mail(message_id="<m2@example.com>", headers={"In-Reply-To": first.external_id})
    receive(account, later, mailbox)
    second = reply(ticket, agent, text="Thanks.")
    parent, chain = thread_ids(second)
    ack = ticket.messages.get(meta__automatic="new_ticket")
    assert parent == "<m2@example.com>"
    assert chain == ["<m1@example.com>", ack.external_id, first.external_id, "<m2@example.com>"]
    mail = smtp_sink.parsed()
    assert mail["In-Reply-To"] == "<m2@example.com>"
    assert mail["References"] == " ".join(chain)


def test_mailbox_signature_and_agent_alias(account, mailbox, ticket, agent, reply, smtp_sink):
    Mailbox.objects.filter(pk=mailbox.pk).update(
        signature_html="<p>Acme Ltd · <b>0800 KETTLE</b><script>x</script></p>"
    )
    agent.alias = "Alice from Acme"
    agent.save()
    reply(ticket, agent, text="Done.")
    mail = smtp_sink.parsed()
    assert body(mail, "plain") == "Done.\n\n--\nAlice from Acme\nAcme\n\nAcme Ltd · 0800 KETTLE\n"
    assert body(mail, "html") == (
        "<p>Done.</p><p>--<br>Alice from Acme<br>Acme</p><p>Acme Ltd · <b>0800 KETTLE</b></p>\n"
    )


def test_html_reply_with_attachments_cc_and_bcc(account, ticket, agent, reply, smtp_sink):
    reply(
        ticket,
        agent,
        text="",
        html_body="<p>See the <b>manual</b>.</p>",
        cc=["Boss@Example.com"],
        bcc=["audit@example.org"],
        attachments=[("manual.pdf", b"%PDF-1.4 kettle", "application/pdf"), ("notes.txt", b"descale\n", "text/plain")],
    )
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["carla@example.com", "boss@example.com", "audit@example.org"]
    mail = smtp_sink.parsed()
    assert (mail["To"], mail["Cc"], mail["Bcc"]) == ("carla@example.com", "boss@example.com", None)
    assert b"audit@example.org" not in envelope.original_content
    assert mail.get_content_type() == "multipart/mixed"
    files = [(part.get_filename(), part.get_content_type(), part.get_content()) for part in mail.iter_attachments()]
    assert files == [("manual.pdf", "application/pdf", b"%PDF-1.4 kettle"), ("notes.txt", "text/plain", "descale\n")]
    assert "<b>manual</b>" in body(mail, "html")
    assert body(mail, "plain").startswith("See the manual.")


def test_reply_all_copies_the_participants_but_never_our_own_addresses(account, ticket, agent, reply, smtp_sink):
    for address in ("dan@example.com", "support@acme.test"):
        contact, _ = find_or_create_contact(account=account, kind="email", value=address)
        TicketParticipant.objects.create(account=account, ticket=ticket, contact=contact, role="cc")
    reply(ticket, agent, reply_all=True)
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["carla@example.com", "dan@example.com"]
    assert smtp_sink.parsed()["Cc"] == "dan@example.com"


def test_forward_to_an_external_address(account, mailbox, ticket, agent, reply, receive, smtp_sink):
    original = ticket.messages.get(direction="in")
    actions.store_attachment(message=original, name="photo.jpg", content=b"\xff\xd8jpeg", content_type="image/jpeg")
    sent = reply(ticket, agent, text="Can you repair this?", to=["repairs@supplier.example"], forward=original)
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["repairs@supplier.example"]
    mail = smtp_sink.parsed()
    assert mail["Subject"] == f"Fwd: Broken kettle [#{ticket.code}]"
    assert mail["In-Reply-To"] is None and mail["References"] is None
    text = body(mail, "plain")
    assert text.startswith("Can you repair this?\n\n---------- Forwarded message ----------\n")
    assert "From: Carla Customer <carla@example.com>\n" in text
    assert text.endswith("My kettle does not boil.\n")
    assert [p.get_filename() for p in mail.iter_attachments()] == ["photo.jpg"]
    ticket.refresh_from_db()
    assert ticket.status == "new"  # forwarding answers nobody
    # the supplier's answer comes back into the ticket: they got our mail, they are no stranger
    answer = raw_mail(
        sender="repairs@supplier.example",
        message_id="<r1@supplier.example>",
        subject="Re: Fwd: Broken kettle",
        headers={"In-Reply-To": sent.external_id},
    )
    result = receive(account, answer, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("in_reply_to", ticket.pk)


def test_forward_needs_a_recipient_and_a_message_of_the_ticket(account, ticket, agent, make_ticket):
    from helpline.core.errors import DomainError

    original = ticket.messages.get(direction="in")
    with pytest.raises(DomainError, match="Say whom to forward"):
        actions.send_reply(ticket=ticket, author=agent, forward=original)
    elsewhere = make_ticket(account).messages.first()
    with pytest.raises(DomainError, match="Only a message of this ticket"):
        actions.send_reply(ticket=ticket, author=agent, forward=elsewhere, to=["x@example.com"])
    with pytest.raises(DomainError, match="not a valid email address"):
        actions.send_reply(ticket=ticket, author=agent, text="hi", cc=["not an address"])


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_mailbox_smtp_server_with_login_is_used(account, mailbox, ticket, agent, reply, smtp_sink):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    own = SmtpRecorder()
    controller = own.start(free_port(), authenticator=authenticator, auth_require_tls=False, auth_required=True)
    try:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none", smtp_username="support"
        )
        mailbox.refresh_from_db()
        mailbox.smtp_password = "s3cret"  # encrypted at rest
        mailbox.save(update_fields=["smtp_password"])
        reply(ticket, agent)
    finally:
        controller.stop()
    assert smtp_sink.envelopes == []
    assert [e.rcpt_tos for e in own.envelopes] == [["carla@example.com"]]
    assert logins == [("PLAIN", b"support", b"s3cret")]


def test_permanent_rejection_shows_on_the_message(account, ticket, agent, smtp_sink):
    smtp_sink.rcpt_reply = "550 5.1.1 <carla@example.com>: Recipient address rejected"
    message = actions.send_reply(ticket=ticket, author=agent, text="Hello")
    assert deliver_message.call_local(message.pk) == "failed"
    failed = Message.objects.get(pk=message.pk)
    assert failed.delivery_status == "failed"
    assert failed.delivery_error == "carla@example.com: 550 5.1.1 <carla@example.com>: Recipient address rejected"


def test_temporary_rejection_retries_with_the_same_message_id(account, ticket, agent, smtp_sink):
    smtp_sink.data_reply = "451 4.3.0 Try again later"
    message = actions.send_reply(ticket=ticket, author=agent, text="Hello")
    with pytest.raises(RetryTask):
        deliver_message.call_local(message.pk)
    retrying = Message.objects.get(pk=message.pk)
    assert (retrying.delivery_status, retrying.delivery_error) == ("retrying", "451 4.3.0 Try again later")
    smtp_sink.data_reply = ""
    assert deliver_message.call_local(message.pk) == "sent"
    sent = Message.objects.get(pk=message.pk)
    assert sent.external_id.startswith(f"<hl1.{message.public_id}.")
    assert smtp_sink.parsed()["Message-ID"] == sent.external_id


def test_without_any_mailbox_the_default_sender_is_used(account, agent, make_ticket, reply, smtp_sink, settings):
    settings.DEFAULT_FROM_EMAIL = "help@helpline.localhost"
    ticket = make_ticket(account, channel="email", email="dora@example.com")
    sent = reply(ticket, agent)
    [envelope] = smtp_sink.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("help@helpline.localhost", ["dora@example.com"])
    assert smtp_sink.parsed()["From"] == "Acme <help@helpline.localhost>"
    assert sent.external_id.endswith("@helpline.localhost>")
