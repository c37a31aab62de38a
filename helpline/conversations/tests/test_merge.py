from datetime import timedelta

import pytest

from helpline.conversations import actions
from helpline.conversations.models import Message, Ticket, TicketParticipant, TicketTag
from helpline.conversations.selectors import follow_merges, get_thread
from helpline.conversations.statuses import Status
from helpline.core.actors import Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import bus
from helpline.ingest.pipeline import InboundMessage, ingest
from helpline.people.actions import find_or_create_contact
from helpline.security.models import AuditEntry


def audit_of(ticket):
    return list(
        AuditEntry.objects.filter(
            subject_type="ticket", subject_id=ticket.public_id, action="ticket.merged"
        ).values_list("data", flat=True)
    )


def at(message, minutes):
    """Move a message's time (messages of different tickets interleave in time, not in id)."""
    Message.objects.filter(pk=message.pk).update(created_at=message.created_at + timedelta(minutes=minutes))
    return Message.objects.get(pk=message.pk)


@pytest.fixture
def pair(account, make_ticket, agent, django_capture_on_commit_callbacks):
    """Two tickets of two customers whose messages interleave in time: survivor first, then the other."""
    with django_capture_on_commit_callbacks(execute=True):
        survivor = make_ticket(account, subject="Printer on fire", email="carla@example.com")
        other = make_ticket(account, subject="Still burning", email="dave@example.com", body="Any news?")
        reply = actions.send_reply(ticket=survivor, author=agent, text="On our way")
        actions.tag_ticket(ticket=other, names=["fire", "vip"])
        actions.tag_ticket(ticket=survivor, names=["fire"])
    cc, _created = find_or_create_contact(account=account, kind="email", value="erin@example.com", name="Erin")
    TicketParticipant.objects.create(account=account, ticket=other, contact=cc, role=TicketParticipant.CC)
    first = Message.objects.filter(ticket=survivor).order_by("id").first()
    other_first = at(Message.objects.get(ticket=other), 1)
    reply = at(reply, 2)
    return {"survivor": survivor, "other": other, "messages": [first, other_first, reply], "cc": cc}


def test_merge_moves_messages_in_time_order_and_keeps_contacts_tags_and_counts(pair, owner):
    survivor, other = pair["survivor"], pair["other"]
    result = actions.merge_tickets(target=survivor, sources=[other], actor=Actor(user=owner))

    assert result.pk == survivor.pk
    assert [m.pk for m in get_thread(survivor)] == [m.pk for m in pair["messages"]]
    assert Message.objects.filter(ticket=other).count() == 0
    survivor = Ticket.objects.get(pk=survivor.pk)
    other = Ticket.objects.get(pk=other.pk)
    assert (survivor.message_count, survivor.last_activity_at) == (3, pair["messages"][2].created_at)
    assert survivor.first_response_at == pair["messages"][2].created_at
    assert (other.status, other.merged_into_id, other.message_count) == (Status.RESOLVED, survivor.pk, 0)
    assert other.resolved_at is not None
    assert survivor.merged_into_id is None
    participants = set(TicketParticipant.objects.filter(ticket=survivor).values_list("contact__primary_email", "role"))
    assert participants == {("dave@example.com", "cc"), ("erin@example.com", "cc")}
    assert ("carla@example.com", "cc") not in participants  # the survivor's own requester stays its requester
    assert sorted(TicketTag.objects.filter(ticket=survivor).values_list("tag__name", flat=True)) == ["fire", "vip"]
    assert audit_of(survivor) == [{"merged": [other.code], "messages": 1}]
    assert audit_of(other) == [{"into": survivor.code}]
    assert set(AuditEntry.objects.filter(action="ticket.merged").values_list("actor_user", flat=True)) == {owner.pk}


def test_merge_publishes_one_event_for_each_ticket(pair, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        actions.merge_tickets(target=pair["survivor"], sources=[pair["other"]])
    survivor, other = pair["survivor"].pk, pair["other"].pk
    assert [(e.name, e.ticket_id, e.survivor_ticket_id, e.merged_ticket_ids) for e in seen] == [
        ("ticket.merged", survivor, survivor, (other,)),
        ("ticket.merged", other, survivor, (other,)),
    ]


def test_merging_a_ticket_that_others_were_merged_into_moves_the_chain_along(account, make_ticket):
    a, b, c = (make_ticket(account, subject=s) for s in ("A", "B", "C"))
    actions.merge_tickets(target=b, sources=[a])
    actions.merge_tickets(target=c, sources=[b])
    assert Ticket.objects.get(pk=a.pk).merged_into_id == c.pk
    assert follow_merges(Ticket.objects.get(pk=a.pk)) == c
    assert Ticket.objects.get(pk=c.pk).message_count == 3


@pytest.mark.parametrize(
    "case, error, message",
    [
        ("none", DomainError, "Choose at least one ticket to merge."),
        ("itself", DomainError, "A ticket cannot be merged into itself."),
        ("other_account", DomainError, "Tickets of another account cannot be merged."),
        ("live", Conflict, "is a live chat or call; wait until it has ended."),
        ("merged", Conflict, "was already merged into another ticket."),
    ],
)
def test_refused_merges_change_nothing(case, error, message, pair, other_account, make_ticket):
    survivor, other = pair["survivor"], pair["other"]
    sources = {
        "none": [],
        "itself": [survivor],
        "other_account": [make_ticket(other_account)],
        "live": [other],
        "merged": [other],
    }[case]
    if case == "live":
        Ticket.objects.filter(pk=other.pk).update(status=Status.CHATTING)
    if case == "merged":
        third = Ticket.objects.exclude(pk__in=[survivor.pk, other.pk]).first() or Ticket.objects.create(
            account=survivor.account, contact=survivor.contact, subject="x", last_activity_at=survivor.last_activity_at
        )
        Ticket.objects.filter(pk=other.pk).update(merged_into=third)
    before = list(Message.objects.order_by("id").values_list("id", "ticket_id"))
    with pytest.raises(error) as caught:
        actions.merge_tickets(target=survivor, sources=sources)
    assert message in caught.value.message
    assert list(Message.objects.order_by("id").values_list("id", "ticket_id")) == before
    assert AuditEntry.objects.filter(action="ticket.merged").count() == 0
    assert Ticket.objects.get(pk=survivor.pk).message_count == 2


def _inbound(account, **fields):
    base = dict(
        account=account,
        channel="email",
        kind="email",
        sender_kind="email",
        sender_value="dana@example.com",
        sender_name="Dana",
        subject="Order 17 missing",
        text="Where is my order?",
        external_id="<m1@example.com>",
        raw=b"From: dana@example.com\r\nSubject: Order 17 missing\r\n\r\nWhere is my order?\r\n",
    )
    return InboundMessage(**{**base, **fields})


def test_replies_to_a_merged_tickets_threads_land_in_the_survivor(account, make_ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    merged = ingest(_inbound(account)).message.ticket
    survivor = make_ticket(account, subject="Orders", email="dana@example.com")
    actions.merge_tickets(target=survivor, sources=[merged])

    by_reference = ingest(_inbound(account, external_id="<m2@example.com>", references=["<m1@example.com>"]))
    assert by_reference.message.ticket_id == survivor.pk
    by_code = ingest(_inbound(account, external_id="<m3@example.com>", subject=f"Re: [#{merged.code}]"))
    assert (by_code.thread_reason, by_code.message.ticket_id) == ("ticket_code", survivor.pk)
    assert Ticket.objects.get(pk=merged.pk).message_count == 0
    assert Ticket.objects.get(pk=survivor.pk).message_count == 4
