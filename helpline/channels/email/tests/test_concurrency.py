"""One mail fetched through two mailboxes at the same moment still makes exactly one ticket."""

import threading

import pytest
from django.db import connection

from helpline.channels.email.inbound import receive_email
from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Message, Ticket
from helpline.ingest.models import InboundRecord


@pytest.mark.django_db(transaction=True)
def test_simultaneous_copies_make_one_ticket(make_account, make_mailbox):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database cannot hold two writers at once (shared-cache table locks); "
            "a real SQLite file serialises deliveries with BEGIN IMMEDIATE, PostgreSQL runs this test"
        )
    account = make_account("acme")
    boxes = [make_mailbox(account, "support@acme.test"), make_mailbox(account, "sales@acme.test")]
    raw = raw_mail(to="support@acme.test, sales@acme.test", headers={"Auto-Submitted": "auto-generated"})
    barrier = threading.Barrier(len(boxes))
    results, errors = [], []

    def fetch(mailbox):
        try:
            barrier.wait(timeout=10)
            results.append(receive_email(account=account, raw=raw, mailbox=mailbox))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch, args=(box,)) for box in boxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r.thread_reason for r in results) == ["duplicate", "new_ticket"]
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    assert sorted(InboundRecord.objects.values_list("thread_reason", flat=True)) == ["duplicate", "new_ticket"]
