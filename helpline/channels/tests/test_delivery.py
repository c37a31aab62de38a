"""Sending replies through channel adapters, against a real SMTP server on loopback (aiosmtpd)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from huey.exceptions import RetryTask

from helpline.channels.tasks import MAX_ATTEMPTS, backoff_seconds, deliver_message
from helpline.conversations import actions
from helpline.conversations.models import Message


class Recorder(Sink):
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


def test_email_reply_reaches_the_smtp_server(account, make_ticket, agent, smtp_sink):
    ticket = make_ticket(account, channel="email", email="carla@example.com", subject="Broken kettle")
    reply = actions.send_reply(ticket=ticket, author=agent, text="A new kettle is on its way.")
    assert deliver_message.call_local(reply.pk) == "sent"
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    assert reply.external_id.startswith("<") and reply.external_id.endswith("@helpline.localhost>")
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["carla@example.com"]
    raw = envelope.content.decode()
    assert f"Subject: Re: Broken kettle [#{ticket.code}]" in raw
    assert f"Message-ID: {reply.external_id}" in raw
    assert "A new kettle is on its way." in raw
    assert deliver_message.call_local(reply.pk) == "skipped"  # idempotent
    assert len(smtp_sink.envelopes) == 1


def test_unreachable_server_retries_with_backoff_then_fails(account, make_ticket, agent, settings):
    settings.EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
    settings.EMAIL_URL = f"smtp://127.0.0.1:{free_port()}"
    ticket = make_ticket(account, channel="email")
    reply = actions.send_reply(ticket=ticket, author=agent, text="Hello")
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(RetryTask) as retry:
            deliver_message.call_local(reply.pk)
        assert retry.value.delay == backoff_seconds(attempt)
        assert Message.objects.get(pk=reply.pk).delivery_status == "retrying"
    assert deliver_message.call_local(reply.pk) == "failed"
    failed = Message.objects.get(pk=reply.pk)
    assert failed.delivery_status == "failed"
    assert "Connection refused" in failed.delivery_error


def test_contact_without_address_fails_permanently(account, agent, smtp_sink):
    from helpline.people.actions import create_contact

    contact = create_contact(account=account, name="Phone only")
    ticket = actions.create_ticket(account=account, contact=contact, subject="Call me", channel="email")
    reply = actions.send_reply(ticket=ticket, author=agent, text="Hi")
    assert deliver_message.call_local(reply.pk) == "failed"
    assert Message.objects.get(pk=reply.pk).delivery_error == "the contact has no email address"
    assert smtp_sink.envelopes == []


def test_backoff_grows_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
