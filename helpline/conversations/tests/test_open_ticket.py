"""open_ticket: a customer's first message opens its ticket, as create_ticket + receive_message would, cheaper."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket, TicketTag
from helpline.conversations.statuses import Status
from helpline.core.errors import DomainError
from helpline.events import bus
from helpline.events import types as ev
from helpline.people.actions import find_or_create_contact
from helpline.replacements.actions import create_rule
from helpline.security import audit
from helpline.security.models import AuditEntry


@pytest.fixture
def carla(account):
    return find_or_create_contact(account=account, kind="email", value="carla@example.com", name="Carla")[0]


def _row(ticket: Ticket) -> dict:
    fields = ("subject", "status", "channel", "message_count", "contact_id", "brand_id", "department_id")
    row = {name: getattr(ticket, name) for name in fields}
    row["clocks"] = [ticket.last_customer_message_at is not None, ticket.sla_due_at is not None]
    return row


def test_the_ticket_and_message_are_those_create_and_receive_make(
    account, carla, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.open_ticket(
            account=account, contact=carla, subject="  Printer on fire ", kind="email", channel="email", text="Help!",
            external_id="<m1@example.com>", meta={"thread_reason": "new_ticket"},
        )  # fmt: skip
        old_way = actions.create_ticket(account=account, contact=carla, subject="Printer on fire", channel="email")
        actions.receive_message(ticket=old_way, contact=carla, kind="email", text="Help!")
    opened = Ticket.objects.get(pk=message.ticket_id)
    assert _row(opened) == _row(Ticket.objects.get(pk=old_way.pk))
    assert _row(opened) == {
        "subject": "Printer on fire", "status": Status.NEW, "channel": "email", "message_count": 1,
        "contact_id": carla.pk, "brand_id": None, "department_id": None, "clocks": [True, True],
    }  # fmt: skip
    stored = Message.objects.get(pk=message.pk)
    assert (stored.body_text, stored.author_contact_id, stored.external_id) == ("Help!", carla.pk, "<m1@example.com>")
    assert stored.meta == {"thread_reason": "new_ticket"}
    assert message.ticket.message_count == 1  # the instance returned is current
    audited = AuditEntry.objects.filter(subject_id=opened.public_id).order_by("id")
    assert [(a.action, a.data) for a in audited] == [
        ("ticket.created", {"channel": "email", "subject": "Printer on fire"}),
        ("message.received", {"message": message.public_id, "kind": "email"}),
    ]
    common = {"account_id": account.pk, "actor_user_id": None, "ticket_id": opened.pk}
    assert seen[:2] == [
        ev.TicketCreated(**common, channel="email"),
        ev.MessageReceived(**common, message_id=message.pk, kind="email"),
    ]


def test_the_rules_rewrite_the_first_message_and_the_subject(account, carla):
    create_rule(account=account, pattern="4111 1111 1111 1111", replacement="[card]")
    message = actions.open_ticket(
        account=account, contact=carla, subject="Card 4111 1111 1111 1111", kind="web", channel="web",
        text="My card is 4111 1111 1111 1111",
    )  # fmt: skip
    assert Ticket.objects.get(pk=message.ticket_id).subject == "Card [card]"
    assert Message.objects.get(pk=message.pk).body_text == "My card is [card]"
    created = AuditEntry.objects.get(action="ticket.created", subject_id=message.ticket.public_id)
    assert created.data["subject"] == "Card [card]"  # the audit log keeps no more than the ticket does


def test_an_empty_first_message_opens_nothing(account, carla):
    before = (Ticket.objects.count(), Message.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError):
        actions.open_ticket(account=account, contact=carla, subject="Hi", kind="web", channel="web", text="  ")
    assert (Ticket.objects.count(), Message.objects.count(), AuditEntry.objects.count()) == before


def test_a_failed_write_leaves_nothing_in_the_callers_savepoint_and_no_event(
    account, carla, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(entries):
        raise RuntimeError("disk full")

    published = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): published.append(event))
    monkeypatch.setattr(audit, "record_all", broken)
    before = (Ticket.objects.count(), Message.objects.count(), AuditEntry.objects.count())
    # inside a transaction of the caller's, as ingest delivers each mail
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        actions.open_ticket(account=account, contact=carla, subject="Hi", kind="web", channel="web", text="Hi")
    assert (Ticket.objects.count(), Message.objects.count(), AuditEntry.objects.count()) == before
    assert published == []


def test_it_writes_no_lock_read_no_update_and_one_audit_insert(account, carla):
    actions.open_ticket(account=account, contact=carla, subject="Warm-up", kind="web", channel="web", text="Hi")
    with CaptureQueriesContext(connection) as queries:
        message = actions.open_ticket(account=account, contact=carla, subject="S", kind="web", channel="web", text="Hi")
    statements = [re.sub(r"^\d+ times: ", "", q["sql"]).split()[0] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert statements == ["INSERT", "INSERT", "INSERT"]  # the ticket, the message, both audit rows
    assert [q["sql"] for q in queries if "security_auditentry" in q["sql"]][0].startswith("2 times: INSERT")
    assert not TicketTag.objects.filter(ticket_id=message.ticket_id).exists()


def test_a_colliding_ticket_code_is_drawn_again_inside_the_callers_transaction(account, carla, monkeypatch):
    from django.db import transaction

    from helpline.conversations.actions import tickets

    taken = actions.open_ticket(account=account, contact=carla, subject="First", kind="web", channel="web", text="Hi")
    codes = iter([taken.ticket.code, "ZZZ-222-22222"])
    monkeypatch.setattr(tickets, "new_ticket_code", lambda: next(codes))
    monkeypatch.setattr(Ticket._meta.get_field("code"), "_get_default", lambda: next(codes))
    with transaction.atomic():
        message = actions.open_ticket(
            account=account, contact=carla, subject="Second", kind="web", channel="web", text="Yo"
        )
        Message.objects.count()  # the transaction is still usable after the failed insert
    assert Ticket.objects.get(pk=message.ticket_id).code == "ZZZ-222-22222"
    assert Ticket.objects.filter(account=account).count() == 2
