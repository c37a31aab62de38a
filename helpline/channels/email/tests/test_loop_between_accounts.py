"""Two Helpline accounts auto-answering each other through a real SMTP server on loopback stop by themselves.

Each account's mailbox sends through its own SMTP settings to one aiosmtpd relay; the test pumps what the
relay received into ``receive_email`` of the account owning the recipient address, as an MX would.
"""

import re

import pytest

from helpline.channels.email import loops
from helpline.channels.email.tests.mail import SmtpRecorder, free_port, raw_mail
from helpline.conversations.models import Ticket

MAX_ROUNDS = 50
_LOOP_HEADERS = re.compile(rb"^(Auto-Submitted|X-Auto-Response-Suppress|In-Reply-To|References):.*\r\n", re.M | re.I)
_CODE = re.compile(rb" ?\[#[A-Z]{3}-\d{3}-\d{5}\]")


@pytest.fixture
def relay():
    recorder = SmtpRecorder()
    controller = recorder.start(free_port())
    yield recorder, controller.port
    controller.stop()


@pytest.fixture
def two_desks(account, other_account, make_mailbox, relay):
    _recorder, port = relay
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    a = make_mailbox(account, "support@acme.test", **smtp)
    b = make_mailbox(other_account, "help@globex.test", **smtp)
    return {"support@acme.test": (account, a), "help@globex.test": (other_account, b)}


def pump(relay, desks, receive, rewrite=lambda raw: raw) -> int:
    """Deliver what the relay got to the accounts, until it gets nothing more. Returns the mails relayed."""
    recorder, _port = relay
    for done in range(MAX_ROUNDS):
        if done == len(recorder.envelopes):
            return done
        envelope = recorder.envelopes[done]
        for rcpt in envelope.rcpt_tos:
            account, mailbox = desks[rcpt]
            receive(account, rewrite(envelope.original_content), mailbox, envelope=[rcpt])
    raise AssertionError(f"still mailing after {MAX_ROUNDS} rounds")


def test_auto_submitted_stops_the_loop_after_one_answer(account, other_account, two_desks, relay, receive):
    recorder, _port = relay
    receive(account, raw_mail(sender="help@globex.test", to="support@acme.test"), two_desks["support@acme.test"][1])
    assert pump(relay, two_desks, receive) == 1
    [ack] = recorder.envelopes
    assert (ack.mail_from, ack.rcpt_tos) == ("<>", ["help@globex.test"])
    assert b"Auto-Submitted: auto-replied\r\n" in ack.original_content
    [ticket_b] = Ticket.objects.filter(account=other_account)
    assert ticket_b.messages.get().meta["auto_reply_suppressed"] == "auto_submitted"


def test_a_relay_stripping_every_loop_header_is_stopped_by_the_rate_limit(
    account, other_account, two_desks, relay, receive
):
    recorder, _port = relay

    def strip(raw: bytes) -> bytes:
        head, sep, body = raw.partition(b"\r\n\r\n")
        head = _LOOP_HEADERS.sub(b"", head + b"\r\n")[:-2]
        return _CODE.sub(b"", head) + sep + body

    receive(account, raw_mail(sender="help@globex.test", to="support@acme.test"), two_desks["support@acme.test"][1])
    relayed = pump(relay, two_desks, receive, rewrite=strip)
    assert relayed == 2 * loops.MAX_PER_RECIPIENT == 10
    assert [e.rcpt_tos for e in recorder.envelopes] == [["help@globex.test"], ["support@acme.test"]] * 5
    assert {e.mail_from for e in recorder.envelopes} == {"<>"}
    assert Ticket.objects.filter(account=account).count() == 6  # the sixth got no answer: the loop ended
    assert Ticket.objects.filter(account=other_account).count() == 5
