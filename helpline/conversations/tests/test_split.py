import pytest

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket, TicketParticipant
from helpline.conversations.statuses import Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.events import bus
from helpline.events import types as ev
from helpline.people.actions import find_or_create_contact
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department


@pytest.fixture
def thread(ticket, agent, django_capture_on_commit_callbacks):
    """A ticket with five messages: customer, reply, note, customer, reply (their events already run)."""
    first = Message.objects.get(ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.send_reply(ticket=ticket, author=agent, text="Have you tried water?")
        note = actions.add_note(ticket=ticket, author=agent, text="Second issue below")
        second = actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Also my toaster")
        answer = actions.send_reply(ticket=ticket, author=agent, text="Toaster: unplug it")
    return [first, reply, note, second, answer]


def ids(ticket):
    return list(Message.objects.filter(ticket=ticket).order_by("id").values_list("id", flat=True))


def audit_of(ticket):
    return list(
        AuditEntry.objects.filter(
            subject_type="ticket", subject_id=ticket.public_id, action="ticket.split"
        ).values_list("data", flat=True)
    )


def test_split_moves_the_chosen_message_and_every_later_one(account, ticket, thread, agent, owner):
    cc, _created = find_or_create_contact(account=account, kind="email", value="cc@example.com", name="Cc")
    TicketParticipant.objects.create(account=account, ticket=ticket, contact=cc, role=TicketParticipant.CC)
    billing = create_department(account=account, name="Billing")

    new = actions.split_ticket(
        ticket=ticket, from_message=thread[2], assignee=agent, department=billing, actor=Actor(user=owner)
    )

    assert ids(ticket) == [thread[0].pk, thread[1].pk]
    assert ids(new) == [thread[2].pk, thread[3].pk, thread[4].pk]
    original = Ticket.objects.get(pk=ticket.pk)
    new = Ticket.objects.get(pk=new.pk)
    assert (original.message_count, new.message_count) == (2, 3)
    assert original.last_activity_at == thread[1].created_at
    assert new.last_activity_at == thread[4].created_at
    assert new.first_response_at == thread[4].created_at
    assert original.first_response_at == thread[1].created_at
    assert (new.subject, new.status, new.channel, new.contact_id, new.brand_id) == (
        "Printer on fire",
        Status.OPEN,
        ticket.channel,
        ticket.contact_id,
        ticket.brand_id,
    )
    assert (new.assignee, new.department, new.priority) == (agent, billing, ticket.priority)
    assert new.code != ticket.code
    assert list(TicketParticipant.objects.filter(ticket=new).values_list("contact_id", "role")) == [(cc.pk, "cc")]
    moved = [thread[2].public_id, thread[3].public_id, thread[4].public_id]
    assert audit_of(ticket) == [{"from_message": thread[2].public_id, "messages": moved, "to_ticket": new.code}]
    assert audit_of(new) == [{"from_message": thread[2].public_id, "messages": moved, "from_ticket": ticket.code}]
    assert AuditEntry.objects.filter(action="ticket.split").first().actor_user == owner


def test_split_keeps_the_original_subject_department_and_takes_a_new_subject(account, ticket, thread):
    sales = create_department(account=account, name="Sales")
    actions.transfer_ticket(ticket=ticket, department=sales)
    new = actions.split_ticket(ticket=ticket, from_message=thread[4], subject="  Toaster  ")
    assert (new.subject, new.department, new.assignee) == ("Toaster", sales, None)
    assert ids(new) == [thread[4].pk]
    assert Ticket.objects.get(pk=ticket.pk).message_count == 4


def test_split_publishes_one_event_per_ticket_after_commit(
    ticket, thread, owner, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = actions.split_ticket(ticket=ticket, from_message=thread[3], actor=Actor(user=owner))
    assert seen == []
    for callback in callbacks:
        callback()
    common = {
        "account_id": ticket.account_id,
        "actor_user_id": owner.pk,
        "source_ticket_id": ticket.pk,
        "new_ticket_id": new.pk,
        "message_ids": (thread[3].pk, thread[4].pk),
    }
    assert seen == [ev.TicketSplit(ticket_id=ticket.pk, **common), ev.TicketSplit(ticket_id=new.pk, **common)]


def test_split_reindexes_both_tickets(ticket, thread, monkeypatch, django_capture_on_commit_callbacks):
    from helpline.search import index

    indexed = []
    monkeypatch.setattr(index, "index_tickets", lambda tickets: indexed.extend(t.pk for t in tickets))
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.split_ticket(ticket=ticket, from_message=thread[3])
    assert sorted(indexed) == sorted([ticket.pk, new.pk])


def _unchanged(ticket, thread, tickets=1):
    assert ids(ticket) == [m.pk for m in thread]
    assert Ticket.objects.get(pk=ticket.pk).message_count == 5
    assert Ticket.objects.filter(account_id=ticket.account_id).count() == tickets
    assert not AuditEntry.objects.filter(action="ticket.split").exists()


def test_the_first_message_cannot_be_the_split_point(ticket, thread, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(DomainError, match="first message"),
    ):
        actions.split_ticket(ticket=ticket, from_message=thread[0])
    assert callbacks == []
    _unchanged(ticket, thread)


def test_a_message_of_another_ticket_is_refused(account, make_ticket, ticket, thread):
    other = make_ticket(account, subject="Other")
    foreign = Message.objects.get(ticket=other)
    with pytest.raises(DomainError, match="message of this ticket"):
        actions.split_ticket(ticket=ticket, from_message=foreign)
    _unchanged(ticket, thread, tickets=2)
    assert ids(other) == [foreign.pk]


def test_an_agent_or_department_of_another_account_is_refused(other_account, ticket, thread):
    with pytest.raises(DomainError):
        actions.split_ticket(ticket=ticket, from_message=thread[2], assignee=other_account.owner)
    foreign = create_department(account=other_account, name="Foreign")
    with pytest.raises(DomainError):
        actions.split_ticket(ticket=ticket, from_message=thread[2], department=foreign)
    _unchanged(ticket, thread)


def test_a_live_chat_is_not_split(ticket, thread):
    actions.change_status(ticket=ticket, status=Status.CHATTING, allow_live=True)
    with pytest.raises(DomainError):
        actions.split_ticket(ticket=ticket, from_message=thread[2])
    _unchanged(ticket, thread)
