"""IDLE: new mail is a ticket within 5 s; servers without IDLE are polled; one watcher per mailbox."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from helpline.channels.email.transports import idle
from helpline.channels.email.transports.tasks import poll_mailboxes
from helpline.channels.email.transports.tests import corpus
from helpline.conversations.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # watchers store from their own threads


def wait_for(condition, timeout: float) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if condition():
                return time.monotonic() - started
        except OperationalError:  # SQLite's shared in-memory test database: a table locked by the writer
            pass
        time.sleep(0.05)
    pytest.fail(f"not within {timeout} s")


@pytest.fixture
def manager():
    started = idle.start_manager(reconcile=0.2)
    yield started
    idle.stop_manager()
    assert not started.is_alive()
    assert not any(watcher.is_alive() for watcher in started.watchers.values())


def test_new_mail_is_a_ticket_within_5_seconds(account, mail_user, make_mailbox, manager):
    mail_user.append(corpus.simple(1))  # waiting before the watcher starts: fetched when it connects
    mailbox = make_mailbox(account, mail_user)
    wait_for(lambda: mailbox.pk in manager.watchers and manager.watchers[mailbox.pk].idling.is_set(), 10)
    assert Ticket.objects.filter(account=account).count() == 1
    assert idle.is_watched(mailbox.pk)
    assert poll_mailboxes.call_local() == 0  # the periodic poll leaves a watched mailbox alone

    mail_user.append(corpus.simple(2))
    elapsed = wait_for(lambda: Ticket.objects.filter(account=account).count() == 2, 5)

    assert elapsed < 5
    assert list(Ticket.objects.filter(account=account).order_by("id").values_list("subject", flat=True)) == [
        "Question 1",
        "Question 2",
    ]
    watcher = manager.watchers[mailbox.pk]
    idle.stop_manager()
    assert not watcher.is_alive()
    assert not idle.is_watched(mailbox.pk)  # the claim is released for another process


def test_a_server_without_idle_is_left_to_the_periodic_poll(account, mail_user, make_mailbox, manager):
    mailbox = make_mailbox(account, mail_user, host="127.0.0.2")  # advertises no IDLE
    wait_for(lambda: mailbox.pk in manager.watchers and not manager.watchers[mailbox.pk].is_alive(), 10)
    assert (manager.watchers[mailbox.pk].unsupported, idle.is_watched(mailbox.pk)) == (True, False)
    mail_user.append(corpus.simple(1))

    assert poll_mailboxes.call_local() == 1  # enqueued (run at once: tasks are immediate in tests)

    assert list(Ticket.objects.filter(account=account).values_list("subject", flat=True)) == ["Question 1"]
    time.sleep(0.5)  # reconciles later: the watcher is not restarted while the settings stay the same
    assert not manager.watchers[mailbox.pk].is_alive()
