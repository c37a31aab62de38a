"""receive_messages: a group of customer messages (a chat group) stored together, each as if it came alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket
from helpline.conversations.statuses import Status
from helpline.core.errors import DomainError
from helpline.events import bus
from helpline.events import types as ev
from helpline.security.models import AuditEntry


def _incoming(ticket, text, kind="web"):
    return actions.IncomingMessage(ticket=ticket, contact=ticket.contact, kind=kind, text=text)


@pytest.fixture
def answered(ticket, agent):
    actions.send_reply(ticket=ticket, author=agent, text="Try again?")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_group_over_two_tickets_stores_each_message_and_reopens_once(
    account, answered, make_ticket, monkeypatch, django_capture_on_commit_callbacks
):
    other = make_ticket(account, subject="Second", email="second@example.com")
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        stored = actions.receive_messages(
            [_incoming(answered, "Still broken"), _incoming(other, "Hello"), _incoming(answered, "Any news?")]
        )
    assert [m.body_text for m in stored] == ["Still broken", "Hello", "Any news?"]
    assert [m.ticket_id for m in stored] == [answered.pk, other.pk, answered.pk]
    first = Ticket.objects.get(pk=answered.pk)
    assert (first.status, first.message_count) == (Status.OPEN, 4)
    assert first.last_customer_message_at is not None and first.sla_due_at is not None
    assert Ticket.objects.get(pk=other.pk).message_count == 2
    common = {"account_id": account.pk, "actor_user_id": None}
    assert seen == [
        ev.MessageReceived(**common, ticket_id=answered.pk, message_id=stored[0].pk, kind="web"),
        ev.TicketStatusChanged(**common, ticket_id=answered.pk, from_status=Status.ANSWERED, to_status=Status.OPEN),
        ev.MessageReceived(**common, ticket_id=other.pk, message_id=stored[1].pk, kind="web"),
        ev.MessageReceived(**common, ticket_id=answered.pk, message_id=stored[2].pk, kind="web"),
    ]
    audited = AuditEntry.objects.filter(action="message.received", subject_id__in=[answered.public_id, other.public_id])
    last_three = [(a.subject_id, a.data["message"]) for a in audited.order_by("-id")[:3]][::-1]
    assert last_three == [(m.ticket.public_id, m.public_id) for m in stored]


def test_one_invalid_message_stores_nothing_of_the_group(ticket):
    before = (Message.objects.count(), Ticket.objects.get(pk=ticket.pk).message_count, AuditEntry.objects.count())
    with pytest.raises(DomainError):
        actions.receive_messages([_incoming(ticket, "Fine"), _incoming(ticket, "   ")])
    after = (Message.objects.count(), Ticket.objects.get(pk=ticket.pk).message_count, AuditEntry.objects.count())
    assert after == before


def test_a_group_adds_only_each_tickets_own_update_statement(account, make_ticket):
    made = [make_ticket(account, subject=f"T{i}", email=f"c{i}@example.com") for i in range(8)]
    tickets = list(Ticket.objects.select_related("contact").filter(pk__in=[t.pk for t in made]).order_by("pk"))

    def statements(group):
        with CaptureQueriesContext(connection) as queries:
            actions.receive_messages([_incoming(t, f"line for {t.subject}") for t in group])
        return len(queries)

    assert statements(tickets[2:8]) - statements(tickets[:2]) == 4  # the ticket rows; all else is one statement
    assert [Ticket.objects.get(pk=t.pk).message_count for t in tickets] == [2] * 8
