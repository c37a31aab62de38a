"""Threading inbound mail: In-Reply-To, References, ticket code, strangers, several mailboxes, participants."""

import pytest

from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Message, Ticket, TicketParticipant
from helpline.ingest.models import InboundRecord
from helpline.tenancy.models import Brand, Department


@pytest.fixture
def first(account, mailbox, receive):
    """Carla's first mail: a ticket of its own."""
    return receive(account, raw_mail(), mailbox)


def test_first_mail_opens_a_ticket_and_says_why(first):
    assert (first.thread_reason, first.duplicate, first.new_ticket) == ("new_ticket", False, True)
    message = first.message
    assert message.meta["thread_reason"] == "new_ticket"
    assert first.record.thread_reason == "new_ticket"
    assert message.external_id == "<m1@example.com>"
    assert (message.ticket.subject, message.ticket.channel) == ("Broken kettle", "email")
    assert message.author_contact.primary_email == "carla@example.com"


def test_new_ticket_takes_brand_and_department_from_the_mailbox(account, make_mailbox, receive):
    brand = Brand.objects.get(account=account)
    department = Department.objects.get(account=account)
    box = make_mailbox(account, "sales@acme.test", brand=brand, department=department)
    ticket = receive(account, raw_mail(to="sales@acme.test"), box).message.ticket
    assert (ticket.brand_id, ticket.department_id) == (brand.pk, department.pk)


def test_in_reply_to_alone_finds_the_ticket_of_our_reply(account, mailbox, first, agent, reply, smtp_sink, receive):
    sent = reply(first.message.ticket, agent)
    assert sent.external_id.startswith("<hl1.")
    raw = raw_mail(subject="what about it", message_id="<m2@example.com>", headers={"In-Reply-To": sent.external_id})
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("in_reply_to", first.message.ticket_id)
    assert result.message.meta["thread_reason"] == "in_reply_to"
    assert result.message.meta["in_reply_to"] == [sent.external_id]


def test_in_reply_to_the_customers_own_earlier_mail(account, mailbox, first, receive):
    raw = raw_mail(subject="one more thing", message_id="<m2@example.com>", headers={"In-Reply-To": "<m1@example.com>"})
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("in_reply_to", first.message.ticket_id)


def test_references_alone_find_the_ticket(account, mailbox, first, agent, reply, smtp_sink, receive):
    sent = reply(first.message.ticket, agent)
    raw = raw_mail(
        subject="no code here",
        message_id="<m3@example.com>",
        headers={"References": f"<unknown@elsewhere> {sent.external_id} <later-unknown@elsewhere>"},
    )
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("references", first.message.ticket_id)


def test_ticket_code_alone_finds_the_ticket(account, mailbox, first, receive):
    code = first.message.ticket.code
    result = receive(account, raw_mail(subject=f"Re: Broken kettle [#{code}]", message_id="<m4@example.com>"), mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("ticket_code", first.message.ticket_id)


def test_nothing_matching_opens_a_new_ticket(account, mailbox, first, receive):
    raw = raw_mail(
        subject="Re: [#ZZZ-222-22222] other",
        message_id="<m5@example.com>",
        headers={"In-Reply-To": "<never-seen@example.com>", "References": "<never-seen@example.com>"},
    )
    result = receive(account, raw, mailbox)
    assert result.thread_reason == "new_ticket"
    assert result.message.ticket_id != first.message.ticket_id
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("how", ["in_reply_to", "ticket_code"])
def test_stranger_gets_a_ticket_of_their_own_by_default(account, mailbox, first, receive, how):
    ticket = first.message.ticket
    headers = {"In-Reply-To": "<m1@example.com>"} if how == "in_reply_to" else {}
    subject = f"Re: [#{ticket.code}]" if how == "ticket_code" else "Re: Broken kettle"
    raw = raw_mail(sender="mallory@evil.example", subject=subject, message_id="<x@evil.example>", headers=headers)
    result = receive(account, raw, mailbox)
    assert result.thread_reason == "stranger_new_ticket"
    assert result.message.ticket_id != ticket.pk
    assert result.message.meta["thread_match"] == how
    assert result.message.meta["related_ticket"] == ticket.code
    assert ticket.messages.filter(direction="in").count() == 1
    assert not TicketParticipant.objects.filter(ticket=ticket).exists()


def test_stranger_is_added_as_cc_when_the_mailbox_says_so(account, mailbox, first, receive):
    Mailbox.objects.filter(pk=mailbox.pk).update(stranger_policy=Mailbox.ADD_PARTICIPANT)
    mailbox.refresh_from_db()
    ticket = first.message.ticket
    raw = raw_mail(
        sender="Dan Colleague <dan@example.com>",
        message_id="<d1@example.com>",
        headers={"In-Reply-To": "<m1@example.com>"},
    )
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("stranger_added", ticket.pk)
    assert result.message.meta["thread_match"] == "in_reply_to"
    [participant] = TicketParticipant.objects.filter(ticket=ticket)
    assert (participant.contact.primary_email, participant.contact.name, participant.role) == (
        "dan@example.com",
        "Dan Colleague",
        "cc",
    )
    # once a participant, Dan is no stranger any more
    again = receive(
        account,
        raw_mail(sender="dan@example.com", message_id="<d2@example.com>", headers={"In-Reply-To": "<d1@example.com>"}),
        mailbox,
    )
    assert (again.thread_reason, again.message.ticket_id) == ("in_reply_to", ticket.pk)


def test_one_mail_to_two_mailboxes_makes_one_ticket(account, mailbox, make_mailbox, receive):
    sales = make_mailbox(account, "sales@acme.test")
    raw = raw_mail(to="support@acme.test, sales@acme.test")
    one = receive(account, raw, mailbox)
    two = receive(account, raw.replace(b"From:", b"Delivered-To: sales@acme.test\r\nFrom:", 1), sales)
    assert (one.thread_reason, two.thread_reason, two.duplicate) == ("new_ticket", "duplicate", True)
    assert two.message == one.message
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(direction="in").count() == 1
    assert list(InboundRecord.objects.order_by("id").values_list("thread_reason", "state")) == [
        ("new_ticket", "processed"),
        ("duplicate", "processed"),
    ]
    assert not TicketParticipant.objects.exists()  # both addresses are the account's own


def test_mail_without_message_id_to_two_mailboxes_makes_one_ticket(account, mailbox, make_mailbox, receive):
    sales = make_mailbox(account, "sales@acme.test")
    raw = raw_mail(to="support@acme.test, sales@acme.test", message_id="")
    one = receive(account, b"Received: by mx1\r\n" + raw, mailbox)
    two = receive(account, b"Received: by mx2\r\n" + raw, sales)
    assert (one.thread_reason, two.thread_reason) == ("new_ticket", "duplicate")
    assert one.message.external_id.endswith("@no-message-id.helpline>")
    assert Ticket.objects.count() == 1


def test_to_and_cc_become_participants_but_never_our_own_addresses(account, mailbox, make_mailbox, agent, receive):
    make_mailbox(account, "sales@acme.test")
    AcceptedDomain.objects.create(account=account, domain="help.acme.test", mailbox=mailbox)
    raw = raw_mail(
        to="support@acme.test, Bob Boss <bob@example.com>",
        headers={
            "Cc": f"sales@acme.test, anything@help.acme.test, {agent.email}, Eve <eve@example.com>, carla@example.com"
        },
    )
    ticket = receive(account, raw, mailbox).message.ticket
    participants = TicketParticipant.objects.filter(ticket=ticket)
    assert sorted(participants.values_list("contact__primary_email", "contact__name", "role")) == [
        ("bob@example.com", "Bob Boss", "to"),
        ("eve@example.com", "Eve", "cc"),
    ]


def test_our_own_mail_coming_back_is_not_stored_again(account, mailbox, first, agent, reply, smtp_sink, receive):
    sent = reply(first.message.ticket, agent)
    raw = smtp_sink.envelopes[-1].original_content
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.duplicate, result.message) == ("own_message", True, sent)
    assert list(first.message.ticket.messages.order_by("id").values_list("direction", flat=True)) == [
        "in",
        "out",
        "out",
    ]


def test_references_never_cross_accounts(account, other_account, mailbox, make_mailbox, first, receive):
    theirs = make_mailbox(other_account, "help@globex.test")
    raw = raw_mail(to="help@globex.test", message_id="<o1@example.com>", headers={"In-Reply-To": "<m1@example.com>"})
    result = receive(other_account, raw, theirs)
    assert result.thread_reason == "new_ticket"
    assert result.message.ticket.account == other_account
    assert first.message.ticket.messages.filter(direction="in").count() == 1


def test_a_bug_before_delivery_quarantines_the_raw_mail(account, mailbox, receive, monkeypatch):
    from helpline.channels.email import inbound
    from helpline.ingest.raw import read_raw

    def broken(mailbox, raw):
        raise RuntimeError("boom")

    monkeypatch.setattr(inbound.spam, "check_mailbox", broken)
    raw = raw_mail()
    result = receive(account, raw, mailbox)
    assert (result.message, result.thread_reason) == (None, "quarantined")
    record = InboundRecord.objects.get()
    assert (record.state, record.error) == ("quarantined", "RuntimeError('boom')")
    assert read_raw(record.raw_key) == raw
    assert not Ticket.objects.exists()


def test_participants_are_added_once_each_with_one_audit_row(account, ticket):
    from helpline.channels.email.policy import add_participants
    from helpline.security.models import AuditEntry

    people = [("bob@example.com", "Bob", "to"), ("eve@example.com", "Eve", "cc"), ("BOB@example.com", "", "cc")]
    first = add_participants(ticket, people)
    again = add_participants(ticket, [*people, ("carla@example.com", "Carla", "cc")])
    assert [(p.contact.primary_email, p.role) for p in first] == [("bob@example.com", "to"), ("eve@example.com", "cc")]
    assert [(p.contact.primary_email, p.role) for p in again] == [("carla@example.com", "cc")]
    audited = AuditEntry.objects.filter(action="ticket.participant_added", subject_id=ticket.public_id).order_by("id")
    assert [a.data["contact"] for a in audited] == [p.contact.public_id for p in [*first, *again]]


def test_a_participant_added_meanwhile_is_not_added_twice(account, ticket, monkeypatch):
    """Another delivery added Bob between the check and the insert: the insert falls back to one at a time."""
    from helpline.channels.email import policy
    from helpline.security.models import AuditEntry

    (bob,) = policy.add_participants(ticket, [("bob@example.com", "Bob", "to")])
    monkeypatch.setattr(policy, "_already_on", lambda ticket, contact_ids: set())  # the check saw nobody
    added = policy.add_participants(ticket, [("bob@example.com", "Bob", "to"), ("eve@example.com", "Eve", "cc")])
    assert [p.contact.primary_email for p in added] == ["eve@example.com"]
    assert TicketParticipant.objects.filter(ticket=ticket, contact=bob.contact).count() == 1
    audited = AuditEntry.objects.filter(action="ticket.participant_added", subject_id=ticket.public_id)
    assert audited.count() == 2
