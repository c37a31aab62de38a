"""insert_rows stores what bulk_create would (defaults, auto_now_add, JSON, constraints); update_rows sets each
row's own values."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from helpline.conversations.models import Ticket, TicketParticipant
from helpline.core.rows import insert_row, insert_rows, update_rows
from helpline.security.models import AuditEntry


def test_rows_are_stored_as_bulk_create_stores_them_in_one_statement(account, ticket):
    entries = [
        AuditEntry(account=account, action="ticket.created", subject_type="ticket", subject_id=ticket.public_id),
        AuditEntry(
            account=account, action="x.y", subject_type="ticket", subject_id="abc", data={"é": [1, None], "n": 2.5}
        ),
    ]
    twins = [
        AuditEntry(account=account, action=e.action, subject_type=e.subject_type, subject_id=e.subject_id, data=e.data)
        for e in entries
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(entries)
    assert len(queries) == 1
    AuditEntry.objects.bulk_create(twins)
    fields = ("account_id", "actor_user_id", "actor_api_key_id", "action", "subject_type", "subject_id", "data")
    rows = list(AuditEntry.objects.filter(action__in=["ticket.created", "x.y"]).order_by("id").values_list(*fields))
    ours, theirs = rows[-4:-2], rows[-2:]
    assert ours == theirs
    assert ours[1] == (account.pk, None, None, "x.y", "ticket", "abc", {"é": [1, None], "n": 2.5})
    assert AuditEntry.objects.filter(action="x.y", created_at__isnull=True).count() == 0


def test_a_constraint_violation_raises_integrity_error_and_stores_nothing(account, ticket):
    contact = ticket.contact
    TicketParticipant.objects.create(account=account, ticket=ticket, contact=contact, role="cc")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([TicketParticipant(account=account, ticket=ticket, contact=contact, role="to")])
    assert list(TicketParticipant.objects.filter(ticket=ticket).values_list("role", flat=True)) == ["cc"]


def test_nothing_to_insert_runs_no_statement(db):
    with CaptureQueriesContext(connection) as queries:
        insert_rows([])
    assert len(queries) == 0


def test_update_rows_sets_each_rows_own_values_in_one_statement(account, make_ticket):
    first, second = make_ticket(account, subject="One"), make_ticket(account, subject="Two", email="b@example.com")
    untouched = make_ticket(account, subject="Three", email="c@example.com")
    with CaptureQueriesContext(connection) as queries:
        update_rows(Ticket, ("subject", "message_count"), [("Uno", 7, first.pk), ("Dos", 9, second.pk)])
    assert len(queries) == 1
    subjects = Ticket.objects.filter(pk__in=[first.pk, second.pk, untouched.pk]).order_by("pk")
    assert list(subjects.values_list("subject", "message_count")) == [("Uno", 7), ("Dos", 9), ("Three", 1)]


def test_insert_row_reads_the_id_back_and_fills_what_save_would(account, ticket):
    from helpline.conversations.models import Message

    message = Message(account_id=account.pk, ticket=ticket, kind="web", direction="in", body_text="Hi", meta={"a": 1})
    with CaptureQueriesContext(connection) as queries:
        insert_row(message)
    assert len(queries) == 1
    assert message.pk is not None and not message._state.adding
    stored = Message.objects.get(pk=message.pk)
    assert (stored.public_id, stored.ticket_id, stored.body_text, stored.meta) == (
        message.public_id, ticket.pk, "Hi", {"a": 1},
    )  # fmt: skip
    assert stored.created_at == message.created_at is not None
    fresh = Ticket(account=account, contact=ticket.contact, subject="Row", last_activity_at=message.created_at)
    insert_row(fresh)
    row = Ticket.objects.get(pk=fresh.pk)
    assert (row.code, row.subject, row.status, row.message_count) == (fresh.code, "Row", "new", 0)
    assert row.created_at is not None and row.updated_at is not None
