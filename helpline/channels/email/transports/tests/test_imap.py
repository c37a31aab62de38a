"""IMAP fetching against a real Dovecot: UID progress, after-import actions, UIDVALIDITY, poison mail."""

from __future__ import annotations

import pytest

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import delivery, imap
from helpline.channels.email.transports.fetch import fetch_mailbox
from helpline.channels.email.transports.imap import ImapSession
from helpline.channels.email.transports.tests import corpus
from helpline.conversations.models import Message, Ticket
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import read_raw

pytestmark = pytest.mark.django_db


def subjects(account) -> list[str]:
    return list(Ticket.objects.filter(account=account).order_by("id").values_list("subject", flat=True))


def test_new_mail_becomes_tickets_by_uid_and_the_server_copy_is_untouched(account, mail_user, make_mailbox):
    read_elsewhere = corpus.load("mikel-mail/plain_emails/basic_email.eml")
    uids = mail_user.append(corpus.simple(1), corpus.simple(2))
    uids += mail_user.append(read_elsewhere, flags="\\Seen")  # another client read it first: it still arrives
    mailbox = make_mailbox(account, mail_user)

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.created, report.duplicates, report.quarantined) == (3, 3, 0, 0)
    assert subjects(account) == ["Question 1", "Question 2", "Testing 123"]
    mailbox.refresh_from_db()
    assert (mailbox.uidvalidity, mailbox.last_uid) == (mail_user.uidvalidity(), uids[-1])
    assert (mailbox.last_error, mailbox.last_checked_at is not None) == ("", True)
    assert mail_user.state() == {uids[0]: set(), uids[1]: set(), uids[2]: {"\\Seen"}}  # BODY.PEEK: no \Seen
    record = InboundRecord.objects.get(external_id="<t-1@example.com>")
    assert (record.state, record.source, read_raw(record.raw_key)) == ("processed", mailbox.public_id, corpus.simple(1))

    again = fetch_mailbox(mailbox)  # nothing new: nothing fetched, nothing stored
    assert again.fetched == 0
    assert InboundRecord.objects.count() == 3

    later = mail_user.append(corpus.simple(3))
    assert fetch_mailbox(mailbox).created == 1
    mailbox.refresh_from_db()
    assert mailbox.last_uid == later[0]
    assert subjects(account)[-1] == "Question 3"


DONE = "Erledigt-ä"  # non-ASCII: sent in modified UTF-7, "Erledigt-&AOQ-"
AFTER_IMPORT = [
    (Mailbox.MARK_SEEN, {1: {"\\Seen"}, 2: {"\\Seen"}}, {}),
    (Mailbox.MOVE, {}, {1: set(), 2: set()}),
    (Mailbox.DELETE, {}, {}),
]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2"], ids=["full-server", "no-move-no-idle"])
@pytest.mark.parametrize(("after_import", "inbox", "done"), AFTER_IMPORT, ids=["seen", "move", "delete"])
def test_after_import_is_applied_once_stored(account, mail_user, make_mailbox, host, after_import, inbox, done):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    target = DONE if after_import == Mailbox.MOVE else ""
    mailbox = make_mailbox(account, mail_user, host=host, after_import=after_import, move_to_folder=target)

    with ImapSession(mailbox) as session:
        full = host == "127.0.0.1"
        assert ("MOVE" in session.capabilities, session.supports_idle) == (full, full)
        report = session.fetch_new()  # without MOVE: COPY, then \Deleted and UID EXPUNGE

    assert report.created == 2
    assert mail_user.state() == inbox
    assert mail_user.state("Erledigt-&AOQ-") == done  # created on demand (TRYCREATE)
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 2
    assert subjects(account) == ["Question 1", "Question 2"]


def test_batches_are_streamed_and_progress_is_kept_per_delivered_group(account, mail_user, make_mailbox, monkeypatch):
    monkeypatch.setattr(imap, "DELIVER_EVERY", 2)
    mail_user.append(*[corpus.simple(n) for n in range(7)])
    mailbox = make_mailbox(account, mail_user)
    seen_uids = []
    with ImapSession(mailbox) as session:
        report = session.fetch_new(batch_size=3, heartbeat=lambda: seen_uids.append(session.mailbox.last_uid))
    assert report.created == 7
    # Fetched three at a time, delivered two at a time ([1, 2], [3], [4, 5], [6], [7]); "keep": last_uid saved
    # after every delivered group, before the next; the heartbeat beats once per message.
    assert seen_uids == [2, 2, 3, 5, 5, 6, 7]
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 7


def test_uidvalidity_change_refetches_the_folder_and_dedupe_absorbs_the_repeats(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1), corpus.simple(2), folder="Support")
    mailbox = make_mailbox(account, mail_user, folder="Support")
    assert fetch_mailbox(mailbox).created == 2
    first_validity = Mailbox.objects.get(pk=mailbox.pk).uidvalidity
    with mail_user.client() as conn:  # the folder is recreated: same mail, new UIDVALIDITY, UIDs from 1
        assert conn.delete("Support")[0] == "OK"
    mail_user.append(corpus.simple(1), corpus.simple(2), corpus.simple(3), folder="Support")

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.created, report.duplicates) == (3, 1, 2)
    mailbox.refresh_from_db()
    assert (mailbox.uidvalidity != first_validity, mailbox.last_uid) == (True, 3)
    assert subjects(account) == ["Question 1", "Question 2", "Question 3"]
    assert Message.objects.filter(ticket__account=account, direction="in").count() == 3


def test_poison_mail_is_quarantined_with_its_raw_and_the_mail_behind_it_arrives(account, mail_user, make_mailbox):
    huge = (
        b"From: big@example.com\r\nSubject: Log dump\r\nMessage-ID: <huge@example.com>\r\n\r\n"
        + b"0123456789abcdef" * 70_000  # a 1.1 MB text body: more than a message may hold
    )
    mail_user.append(corpus.simple(1), huge, corpus.simple(2))
    mailbox = make_mailbox(account, mail_user, after_import=Mailbox.DELETE)

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.created, report.quarantined) == (3, 2, 1)
    poison = InboundRecord.objects.get(external_id="<huge@example.com>")
    assert (poison.state, poison.message_id) == ("quarantined", None)
    assert read_raw(poison.raw_key) == huge
    assert subjects(account) == ["Question 1", "Question 2"]
    assert mail_user.state() == {}  # stored (quarantine keeps the raw), so deleted like the others


def test_a_bug_in_receive_email_quarantines_that_message_only(account, mail_user, make_mailbox, monkeypatch):
    real = delivery.receive_email

    def buggy(*, account, raw, **kwargs):
        if b"<t-2@example.com>" in raw:
            raise ZeroDivisionError("a parser bug")
        return real(account=account, raw=raw, **kwargs)

    def buggy_batch(*, account, raws, **kwargs):
        if any(b"<t-2@example.com>" in raw for raw in raws):
            raise ZeroDivisionError("a parser bug")
        return real_batch(account=account, raws=raws, **kwargs)

    real_batch = delivery.receive_emails
    monkeypatch.setattr(delivery, "receive_email", buggy)
    monkeypatch.setattr(delivery, "receive_emails", buggy_batch)  # the batch fails: its mails go one by one
    mail_user.append(corpus.simple(1), corpus.simple(2), corpus.simple(3))
    mailbox = make_mailbox(account, mail_user)

    report = fetch_mailbox(mailbox)

    assert (report.created, report.quarantined) == (2, 1)
    quarantined = InboundRecord.objects.get(state="quarantined")
    assert quarantined.error == "receive_email raised ZeroDivisionError('a parser bug')"
    assert read_raw(quarantined.raw_key) == corpus.simple(2)
    assert subjects(account) == ["Question 1", "Question 3"]
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 3


def test_storage_failure_leaves_the_mail_on_the_server_for_the_next_fetch(account, mail_user, make_mailbox, settings):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    mailbox = make_mailbox(account, mail_user, after_import=Mailbox.DELETE)
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "raw").write_text("a file where the raw store's directory should be")

    assert fetch_mailbox(mailbox) is None  # nothing stored …

    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("Temporary failure: the mail could not be written to storage")
    assert (mailbox.last_uid, InboundRecord.objects.count(), len(mail_user.state())) == (0, 0, 2)  # … nothing lost
    (settings.MEDIA_ROOT / "raw").unlink()
    assert fetch_mailbox(mailbox).created == 2
    assert (mail_user.state(), Mailbox.objects.get(pk=mailbox.pk).last_error) == ({}, "")


def test_wrong_password_is_reported_on_the_mailbox(account, mail_user, make_mailbox):
    mailbox = make_mailbox(account, mail_user, password="not-the-password")
    assert fetch_mailbox(mailbox) is None
    mailbox.refresh_from_db()
    assert mailbox.last_error == (
        f"Signing in as {mail_user.name} failed: b'[AUTHENTICATIONFAILED] Authentication failed.'"
    )
    assert InboundRecord.objects.count() == 0


def test_starttls_and_plain_on_loopback(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1))
    for security, address in (("starttls", "a@acme.test"), ("none", "b@acme.test")):
        mailbox = make_mailbox(account, mail_user, address=address, security=security)
        assert fetch_mailbox(mailbox).fetched == 1
    assert Ticket.objects.filter(account=account).count() == 1  # the second copy was a duplicate


def test_a_refused_move_is_reported_and_the_batch_is_not_fetched_again(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    too_long = "D" * 255  # Maildir++ keeps it as the directory ".DDD…": 256 bytes, one more than a name may have
    mailbox = make_mailbox(account, mail_user, after_import=Mailbox.MOVE, move_to_folder=too_long)

    assert fetch_mailbox(mailbox) is None

    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith(f"The folder {too_long} could not be created: ")
    assert (mailbox.last_uid, len(mail_user.state()), InboundRecord.objects.count()) == (2, 2, 2)
    assert fetch_mailbox(mailbox).fetched == 0  # stored once, not again every minute
    assert subjects(account) == ["Question 1", "Question 2"]
