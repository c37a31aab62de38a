"""POP3 against a real Dovecot: UIDL progress, DELE only after storing, STLS, a crash before QUIT."""

from __future__ import annotations

import poplib

import pytest

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import pop3
from helpline.channels.email.transports.fetch import fetch_mailbox
from helpline.channels.email.transports.tests import corpus
from helpline.conversations.models import Ticket
from helpline.ingest.models import InboundRecord

pytestmark = pytest.mark.django_db


def subjects(account) -> list[str]:
    return list(Ticket.objects.filter(account=account).order_by("id").values_list("subject", flat=True))


def test_kept_mail_is_downloaded_once_by_uidl(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    mailbox = make_mailbox(account, mail_user, inbound=Mailbox.POP3)

    assert fetch_mailbox(mailbox).created == 2
    assert fetch_mailbox(mailbox).fetched == 0  # known UIDLs: not downloaded again, nothing stored again
    mail_user.append(corpus.simple(3))
    assert fetch_mailbox(mailbox).created == 1

    assert subjects(account) == ["Question 1", "Question 2", "Question 3"]
    assert InboundRecord.objects.count() == 3
    assert len(mail_user.state()) == 3  # kept on the server
    assert len(pop3.load_seen(mailbox)) == 3


def test_lost_uidl_memory_falls_back_on_dedupe(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1))
    mailbox = make_mailbox(account, mail_user, inbound=Mailbox.POP3)
    assert fetch_mailbox(mailbox).created == 1
    pop3.save_seen(mailbox, set())  # the task queue's storage was wiped

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.created, report.duplicates) == (1, 0, 1)
    assert Ticket.objects.filter(account=account).count() == 1


def test_delete_after_storing_over_stls(account, mail_user, make_mailbox):
    mail_user.append(corpus.simple(1), corpus.load("zammad/mail001.box"))
    mailbox = make_mailbox(account, mail_user, inbound=Mailbox.POP3, security="starttls", after_import=Mailbox.DELETE)

    assert fetch_mailbox(mailbox).created == 2

    assert subjects(account) == ["Question 1", "CI Daten für PublicView"]
    assert mail_user.state() == {}


def test_crash_before_quit_keeps_the_mail_and_the_next_run_deletes_it_without_a_second_ticket(
    account, mail_user, make_mailbox, monkeypatch
):
    mail_user.append(corpus.simple(1), corpus.simple(2))
    mailbox = make_mailbox(account, mail_user, inbound=Mailbox.POP3, after_import=Mailbox.DELETE)

    def crash(self):
        raise ConnectionResetError("the connection died before QUIT")

    with monkeypatch.context() as patch:
        patch.setattr(poplib.POP3, "quit", crash)
        assert fetch_mailbox(mailbox) is None

    assert Mailbox.objects.get(pk=mailbox.pk).last_error.endswith("the connection died before QUIT.")
    assert len(mail_user.state()) == 2  # DELE without QUIT deletes nothing
    report = fetch_mailbox(mailbox)
    assert (report.fetched, report.created) == (0, 0)  # already stored: only DELE this time
    assert mail_user.state() == {}
    assert subjects(account) == ["Question 1", "Question 2"]


def test_pop3_cannot_move_or_mark_seen(account, mail_user, make_mailbox):
    from helpline.core.errors import DomainError

    with pytest.raises(DomainError, match="POP3 can only leave mail on the server or delete it."):
        make_mailbox(account, mail_user, inbound=Mailbox.POP3, after_import=Mailbox.MARK_SEEN)
    assert Mailbox.objects.count() == 0
