"""Spam filtering against a real SpamAssassin spamd on loopback, spoken to with our own spamc client."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from helpline.channels.email import spam
from helpline.channels.email.models import AutoReplyLog, Mailbox
from helpline.channels.email.tests.mail import free_port, raw_mail
from helpline.conversations.models import Ticket

SPAMD = Path("/usr/sbin/spamd")
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
needs_spamd = pytest.mark.skipif(
    not SPAMD.exists(), reason="SpamAssassin's spamd is not installed (Debian package spamassassin; make test adds it)"
)


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return b"PONG" in conn.recv(100)
    except OSError:
        return False


@pytest.fixture(scope="module")
def spamd():
    """spamd on a free loopback port: one child, local tests only (no network), no per-user config."""
    port = free_port()
    command = [str(SPAMD), f"--listen=127.0.0.1:{port}", "--max-children=1", "--syslog=stderr", "-L", "-x"]
    if os.geteuid() == 0:
        command += ["-u", "nobody"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _pong(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"spamd did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def filtered(mailbox, spamd):
    Mailbox.objects.filter(pk=mailbox.pk).update(spam_enabled=True, spam_port=spamd, spam_threshold=5.0)
    mailbox.refresh_from_db()
    return mailbox


@needs_spamd
def test_gtube_mail_goes_to_spam_with_its_score_and_no_answer(account, filtered, receive, smtp_sink):
    result = receive(account, raw_mail(subject="Cheap kettles", body=f"Buy now!\r\n{GTUBE}"), filtered)
    assert result.thread_reason == "spam"
    ticket = Ticket.objects.get(pk=result.message.ticket_id)
    assert ticket.status == "spam"
    assert result.message.meta["spam_score"] >= 1000.0
    assert result.message.meta["spam_threshold"] == 5.0
    assert result.message.meta["auto_reply_suppressed"] == "spam"
    assert smtp_sink.envelopes == []
    assert not AutoReplyLog.objects.exists()


@needs_spamd
def test_clean_mail_is_delivered_with_its_score(account, filtered, receive):
    result = receive(account, raw_mail(), filtered)
    assert result.thread_reason == "new_ticket"
    assert result.message.ticket.status == "new"
    assert result.message.meta["spam_score"] < 5.0
    assert "spam_check" not in result.message.meta


@needs_spamd
def test_spam_never_joins_an_existing_ticket(account, mailbox, receive, spamd):
    first = receive(account, raw_mail(), mailbox).message.ticket
    Mailbox.objects.filter(pk=mailbox.pk).update(spam_enabled=True, spam_port=spamd)
    mailbox.refresh_from_db()
    raw = raw_mail(message_id="<s1@example.com>", headers={"In-Reply-To": "<m1@example.com>"}, body=GTUBE)
    result = receive(account, raw, mailbox)
    assert result.thread_reason == "spam"
    assert result.message.ticket_id != first.pk
    first.refresh_from_db()
    assert (first.status, first.messages.filter(direction="in").count()) == ("new", 1)


@needs_spamd
def test_the_spamc_client_reads_spamds_verdict(spamd):
    answer = spam.check(raw_mail(body=GTUBE), host="127.0.0.1", port=spamd)
    assert answer.is_spam is True
    assert answer.score >= 1000.0
    assert answer.required == 5.0


def test_spamd_unreachable_delivers_normally_and_says_so(account, mailbox, receive):
    port = free_port()  # nothing listens there
    Mailbox.objects.filter(pk=mailbox.pk).update(spam_enabled=True, spam_port=port)
    mailbox.refresh_from_db()
    result = receive(account, raw_mail(body=GTUBE), mailbox)
    assert result.thread_reason == "new_ticket"
    assert result.message.ticket.status == "new"
    assert result.message.meta["spam_check"].startswith("not checked: spamd unreachable (")
    assert "spam_score" not in result.message.meta
    assert Ticket.objects.count() == 1


def test_filter_off_asks_nobody(account, mailbox, receive):
    result = receive(account, raw_mail(body=GTUBE), mailbox)
    assert "spam_check" not in result.message.meta and "spam_score" not in result.message.meta


def test_response_parsing():
    answer = spam.parse_response(b"SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: True ; 1000.5 / 5.0\r\n\r\n")
    assert answer == spam.SpamdAnswer(is_spam=True, score=1000.5, required=5.0)
    assert spam.parse_response(b"SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.1 / 5.0\r\n\r\n").score == -0.1
    with pytest.raises(spam.SpamdError, match="spamd error 76 Bad header line"):
        spam.parse_response(b"SPAMD/1.0 76 Bad header line: (EOF)\r\n")
    with pytest.raises(spam.SpamdError, match="no Spam header"):
        spam.parse_response(b"SPAMD/1.1 0 EX_OK\r\n\r\n")
    with pytest.raises(spam.SpamdError, match="empty answer"):
        spam.parse_response(b"")


def test_the_mailbox_threshold_decides():
    assert spam.SpamVerdict(score=4.9, threshold=5.0).is_spam is False
    assert spam.SpamVerdict(score=5.0, threshold=5.0).is_spam is True
    assert spam.SpamVerdict(score=None, threshold=5.0, error="x").is_spam is False
