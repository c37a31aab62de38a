"""Several mails delivered together (``receive_emails``): one transaction, shared lookups, a savepoint per mail."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.email.inbound import receive_emails
from helpline.channels.email.models import AutoReplyLog
from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Message, Ticket
from helpline.conversations.statuses import Direction
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import read_raw
from helpline.people.models import Contact

REPLY = raw_mail(
    subject="Re: Broken kettle", message_id="<m2@example.com>", headers={"In-Reply-To": "<m1@example.com>"}
)


def test_a_reply_in_the_same_batch_as_its_original_threads_onto_it(account, mailbox):
    raws = [
        raw_mail(),
        REPLY,
        raw_mail(sender="dan@example.org", subject="Printer", message_id="<d1@example.org>"),
        raw_mail(subject="still broken", message_id="<m3@example.com>", headers={"References": "<m1@example.com>"}),
        raw_mail(),  # the first mail again (a second copy): nothing new
    ]
    results = receive_emails(account=account, raws=raws, mailbox=mailbox)

    assert [(r.thread_reason, r.new_ticket, r.duplicate) for r in results] == [
        ("new_ticket", True, False),
        ("in_reply_to", False, False),
        ("new_ticket", True, False),
        ("references", False, False),
        ("duplicate", False, True),
    ]
    kettle, printer = results[0].message.ticket, results[2].message.ticket
    assert [r.message.ticket_id for r in results] == [kettle.pk, kettle.pk, printer.pk, kettle.pk, kettle.pk]
    assert results[4].message.pk == results[0].message.pk
    inbound = Message.objects.filter(ticket=kettle, direction=Direction.INBOUND).order_by("id")
    assert list(inbound.values_list("external_id", flat=True)) == [
        "<m1@example.com>",
        "<m2@example.com>",
        "<m3@example.com>",
    ]
    assert Ticket.objects.filter(account=account).count() == 2
    assert Contact.objects.filter(account=account, primary_email="carla@example.com").count() == 1
    states = InboundRecord.objects.filter(account=account).order_by("id").values_list("state", "thread_reason")
    assert list(states) == [
        ("processed", "new_ticket"),
        ("processed", "in_reply_to"),
        ("processed", "new_ticket"),
        ("processed", "references"),
        ("processed", "duplicate"),
    ]
    # One acknowledgement per new ticket, none for the replies.
    assert sorted(AutoReplyLog.objects.filter(account=account).values_list("recipient", flat=True)) == [
        "carla@example.com",
        "dan@example.org",
    ]


def test_a_broken_mail_in_a_batch_is_stored_raw_with_its_error_and_the_others_are_delivered(account, mailbox):
    too_long = raw_mail(sender="eve@example.net", subject="Huge", message_id="<huge@example.net>", body="x" * 1_100_000)
    raws = [
        raw_mail(),
        too_long,
        REPLY,
    ]
    results = receive_emails(account=account, raws=raws, mailbox=mailbox)

    assert [r.thread_reason for r in results] == ["new_ticket", "quarantined", "in_reply_to"]
    assert results[2].message.ticket_id == results[0].message.ticket_id
    broken = InboundRecord.objects.get(pk=results[1].record.pk)
    assert (broken.state, broken.message_id, broken.external_id) == ("quarantined", None, "<huge@example.net>")
    assert "The message is too long." in broken.error
    assert read_raw(broken.raw_key) == too_long  # nothing lost
    assert results[1].message is None
    # Everything the broken mail had started was rolled back with its savepoint: no ticket, contact or answer.
    assert Ticket.objects.filter(account=account).count() == 1
    assert not Contact.objects.filter(account=account, primary_email="eve@example.net").exists()
    assert not AutoReplyLog.objects.filter(account=account, recipient="eve@example.net").exists()
    assert not Message.objects.filter(account=account, external_id="<huge@example.net>").exists()
    assert list(InboundRecord.objects.filter(account=account).order_by("id").values_list("state", flat=True)) == [
        "processed",
        "quarantined",
        "processed",
    ]


def _replies(count: int, start: int) -> list[bytes]:
    """Mails from known customers answering their own earlier mail, each naming several Message-IDs."""
    return [
        raw_mail(
            sender=f"customer{n % 4}@example.com",
            to="support@acme.test",
            subject=f"about {n % 4}",
            message_id=f"<r{n}@example.com>",
            headers={
                "In-Reply-To": f"<first{n % 4}@example.com>",
                "References": f"<older{n}@example.com> <first{n % 4}@example.com>",
                "Cc": f"friend{n % 4}@example.com",
            },
        )
        for n in range(start, start + count)
    ]


def _shared_lookups(queries) -> dict[str, int]:
    """How often the batch's shared lookups ran (each one query for the whole batch)."""
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    return {
        "records (lock + earlier copies)": sum('FROM "ingest_inboundrecord"' in s for s in selects),
        "contacts by address": sum('FROM "people_contactidentity"' in s for s in selects),
        "messages by Message-ID": sum('FROM "conversations_message"' in s and '"external_id" IN' in s for s in selects),
        "mailboxes": sum('FROM "email_channel_mailbox"' in s for s in selects),
        "accepted domains": sum('FROM "email_channel_accepteddomain"' in s for s in selects),
        "agents' addresses": sum('FROM "tenancy_user"' in s for s in selects),
    }


def test_a_batch_looks_up_what_its_mails_share_once_whatever_its_size(account, mailbox, django_assert_max_num_queries):
    firsts = [
        raw_mail(
            sender=f"customer{n}@example.com",
            subject=f"about {n}",
            message_id=f"<first{n}@example.com>",
            headers={"Cc": f"friend{n}@example.com"},
        )
        for n in range(4)
    ]
    receive_emails(account=account, raws=firsts, mailbox=mailbox)

    counts = {}
    for size, start in ((4, 0), (12, 100)):
        with CaptureQueriesContext(connection) as captured:
            results = receive_emails(account=account, raws=_replies(size, start), mailbox=mailbox)
        assert {r.thread_reason for r in results} == {"in_reply_to"}
        assert _shared_lookups(captured.captured_queries) == {
            "records (lock + earlier copies)": 1,
            "contacts by address": 1,
            "messages by Message-ID": 1,
            "mailboxes": 1,
            "accepted domains": 1,
            "agents' addresses": 1,
        }
        counts[size] = len(captured.captured_queries)
    per_mail = (counts[12] - counts[4]) / 8
    # What is left per mail is the mail's own writes (message, ticket update, audit row, participant check…).
    assert per_mail <= 16, counts
    with django_assert_max_num_queries(round(counts[4] - 4 * per_mail + 12 * per_mail) + 2):
        receive_emails(account=account, raws=_replies(12, 200), mailbox=mailbox)
