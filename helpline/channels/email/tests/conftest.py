"""Fixtures for the email policy and outbound tests: mailboxes, raw mail, a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from helpline.channels.email.tests.mail import SmtpRecorder, free_port


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def smtp_sink(settings):
    """The default outgoing server (HELPLINE_SMTP_URL) is a real aiosmtpd on a free loopback port."""
    recorder = SmtpRecorder()
    controller = recorder.start(free_port())
    settings.EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


@pytest.fixture
def make_mailbox(db):
    from helpline.channels.email.models import Mailbox

    def make(account, address: str, **fields):
        return Mailbox.objects.create(account=account, name=fields.pop("name", address), address=address, **fields)

    return make


@pytest.fixture
def mailbox(account, make_mailbox):
    return make_mailbox(account, "support@acme.test", name="Acme support")


@pytest.fixture
def receive(django_capture_on_commit_callbacks):
    """receive_email with the after-commit work (automatic answers, sending) run as in production."""
    from helpline.channels.email.inbound import receive_email

    def run(account, raw: bytes, mailbox=None, envelope=()):
        with django_capture_on_commit_callbacks(execute=True):
            return receive_email(account=account, raw=raw, mailbox=mailbox, envelope_recipients=tuple(envelope))

    return run


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    """An agent's reply queued and sent (the delivery task runs on commit, tasks are immediate in tests)."""
    from helpline.conversations.actions import send_reply
    from helpline.conversations.models import Message

    def run(ticket, author, text="Thanks, we are on it.", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            message = send_reply(ticket=ticket, author=author, text=text, **kwargs)
        return Message.objects.get(pk=message.pk)

    return run
