""" "Test connection": every step named, the failing one explained, against real servers."""

from __future__ import annotations

import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import AuthResult

from helpline.channels.email.actions import create_mailbox
from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports.diagnostics import test_inbound as check_inbound
from helpline.channels.email.transports.diagnostics import test_outbound as check_outbound
from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.servers import free_port

pytestmark = pytest.mark.django_db


def outcome(steps) -> list[tuple[str, bool]]:
    return [(step.name, step.ok) for step in steps]


def test_inbound_imap_all_steps_pass(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1))
    mailbox = make_mailbox(account, mail_user)
    steps = check_inbound(mailbox)
    assert outcome(steps) == [("dns", True), ("connect", True), ("tls", True), ("login", True), ("folder", True)]
    dns, connect, tls, login, folder = (step.detail for step in steps)
    assert dns == "127.0.0.1 is 127.0.0.1"
    assert connect.startswith(f"Connected to 127.0.0.1 port {mailbox.port} in ")
    assert tls.startswith("TLSv1.3; certificate for helpline-test-mail valid until ")
    assert (login, folder) == (f"Signed in as {mail_user.name}", "INBOX has 1 messages")
    assert [step.label for step in steps] == ["DNS resolution", "TCP connection", "TLS handshake", "Sign-in", "Folder"]
    assert mail_user.state() == {1: set()}  # looked at, not fetched or flagged


def test_inbound_pop3_over_stls(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    mailbox = make_mailbox(account, mail_user, inbound=Mailbox.POP3, security="starttls")
    steps = check_inbound(mailbox)
    assert outcome(steps)[-1] == ("folder", True)
    assert steps[-1].detail == f"2 messages on the server ({len(corpus.simple(1)) + len(corpus.simple(2))} bytes)"


def test_untrusted_certificate_fails_at_tls(account, mail_user, make_mailbox, monkeypatch):
    mailbox = make_mailbox(account, mail_user)
    monkeypatch.delenv("SSL_CERT_FILE")  # the system's CAs only: the test certificate is self-signed
    steps = check_inbound(mailbox)
    assert outcome(steps) == [("dns", True), ("connect", True), ("tls", False)]
    assert steps[-1].detail == "The server's certificate was not accepted: self-signed certificate."


def test_unknown_host_fails_at_dns(account, mail_user, make_mailbox):
    mailbox = make_mailbox(account, mail_user, host="mail.helpline-test.invalid")
    steps = check_inbound(mailbox)
    assert outcome(steps) == [("dns", False)]
    assert steps[0].detail == "The server name mail.helpline-test.invalid could not be resolved."


def test_closed_port_fails_at_connect(account, mail_user, make_mailbox):
    port = free_port()
    mailbox = make_mailbox(account, mail_user, port=port)
    steps = check_inbound(mailbox)
    assert outcome(steps) == [("dns", True), ("connect", False)]
    assert steps[-1].detail == f"127.0.0.1:{port} refused the connection."


def test_wrong_password_fails_at_login_and_missing_folder_at_folder(account, mail_user, make_mailbox):
    wrong = make_mailbox(account, mail_user, password="wrong-password")
    steps = check_inbound(wrong)
    assert outcome(steps)[-1] == ("login", False)
    assert (
        steps[-1].detail == f"Signing in as {mail_user.name} failed: b'[AUTHENTICATIONFAILED] Authentication failed.'"
    )
    missing = make_mailbox(account, mail_user, address="other@acme.test", folder="Nope")
    steps = check_inbound(missing)
    assert outcome(steps)[-1] == ("folder", False)
    # Dovecot appends its timings, "(0.001 + 0.000 secs)."
    assert steps[-1].detail.startswith("The folder Nope could not be opened: Mailbox doesn't exist: Nope (")


def test_forwarded_mailbox_has_nothing_to_connect_to(account):
    mailbox = create_mailbox(account=account, name="Fwd", address="fwd@acme.test")
    assert outcome(check_inbound(mailbox)) == [("setup", True)]
    assert outcome(check_outbound(mailbox)) == [("setup", True)]


class _Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"sender@acme.test", b"smtp-secret")
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_peer(dovecot):
    """A real SMTP server (aiosmtpd) with STARTTLS and AUTH, using the test certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(dovecot.root / "cert.pem", dovecot.root / "key.pem")
    server = Controller(
        Sink(), hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
        authenticator=_Authenticator(), auth_require_tls=True,
    )  # fmt: skip
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(("password", "ok"), [("smtp-secret", True), ("wrong", False)])
def test_outbound_starttls_ehlo_auth(account, smtp_peer, password, ok):
    mailbox = create_mailbox(
        account=account, name="Out", address="sender@acme.test", smtp_host="127.0.0.1", smtp_port=smtp_peer.port,
        smtp_security="starttls", smtp_username="sender@acme.test", smtp_password=password,
    )  # fmt: skip
    steps = check_outbound(mailbox)
    assert outcome(steps) == [("dns", True), ("connect", True), ("tls", True), ("ehlo", True), ("auth", ok)]
    assert steps[3].detail == "The server accepts EHLO; it offers 8BITMIME AUTH HELP SIZE SMTPUTF8"
    expected = (
        "Signed in as sender@acme.test"
        if ok
        else "The SMTP server answered 535 5.7.8 Authentication credentials invalid"
    )
    assert steps[4].detail == expected
