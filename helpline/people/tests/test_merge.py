"""Merging duplicate contacts: everything moves to the survivor, the duplicate goes, mail follows."""

from __future__ import annotations

import pytest

from helpline.conversations.models import CustomField, CustomFieldValue, Message, Ticket, TicketParticipant
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.ingest.pipeline import InboundMessage, ingest
from helpline.people.actions import add_contact_note, create_contact, create_group, merge_contacts, set_group_members
from helpline.people.models import Contact, ContactGroup, ContactIdentity, ContactNote
from helpline.search.index import search_contact_ids
from helpline.security.models import AuditEntry


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pair(account, make_ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survivor = create_contact(account=account, name="Dana Smith", email="dana@example.com")
        duplicate_ticket = make_ticket(account, subject="Second address", email="dana.smith@work.example")
        duplicate = duplicate_ticket.contact
    return survivor, duplicate, duplicate_ticket


def test_merge_moves_everything_to_the_survivor_and_deletes_the_duplicate(
    account, pair, agent, django_capture_on_commit_callbacks
):
    survivor, duplicate, ticket = pair
    ContactIdentity.objects.create(account=account, contact=duplicate, kind="phone", value="+4420123")
    note = add_contact_note(contact=duplicate, body="Prefers phone", actor=Actor(user=agent))
    both = create_group(account=account, name="VIP")
    only_duplicate = create_group(account=account, name="Beta")
    set_group_members(group=both, add=[survivor])
    set_group_members(group=both, add=[duplicate])
    set_group_members(group=only_duplicate, add=[duplicate])
    plan = CustomField.objects.create(account=account, key="plan", label="Plan", applies_to="contact")
    size = CustomField.objects.create(account=account, key="size", label="Size", applies_to="contact")
    CustomFieldValue.objects.create(account=account, field=plan, contact=survivor, value="gold")
    CustomFieldValue.objects.create(account=account, field=plan, contact=duplicate, value="silver")
    CustomFieldValue.objects.create(account=account, field=size, contact=duplicate, value="50")
    TicketParticipant.objects.create(account=account, ticket=ticket, contact=duplicate, role="requester")
    TicketParticipant.objects.create(account=account, ticket=ticket, contact=survivor, role="cc")

    with django_capture_on_commit_callbacks(execute=True):
        merge_contacts(survivor=survivor, duplicate=duplicate, actor=Actor(user=agent))

    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    assert sorted(survivor.identities.values_list("kind", "value")) == [
        ("email", "dana.smith@work.example"), ("email", "dana@example.com"), ("phone", "+4420123"),
    ]  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.contact_id == survivor.pk
    # Both took part in the ticket: the survivor's participation stays, the duplicate's goes.
    assert list(TicketParticipant.objects.filter(ticket=ticket).values_list("contact_id", "role")) == [
        (survivor.pk, "cc")
    ]
    assert set(Message.objects.filter(ticket=ticket).values_list("author_contact_id", flat=True)) == {survivor.pk}
    assert list(ContactNote.objects.filter(pk=note.pk).values_list("contact_id", flat=True)) == [survivor.pk]
    assert sorted(survivor.groups.values_list("name", flat=True)) == ["Beta", "VIP"]
    assert ContactGroup.contacts.through.objects.filter(contactgroup=both).count() == 1
    assert dict(CustomFieldValue.objects.filter(contact=survivor).values_list("field__key", "value")) == {
        "plan": "gold",  # the survivor's own value wins a clash
        "size": "50",
    }
    entry = AuditEntry.objects.get(action="contact.merged")
    assert (entry.subject_id, entry.actor_user_id, entry.data["merged"]) == (
        survivor.public_id,
        agent.pk,
        duplicate.public_id,
    )
    assert entry.data["moved"]["conversations.ticket"] == 1
    # The search index forgets the duplicate and finds the survivor by the duplicate's address.
    assert search_contact_ids(account, "work.example") == [survivor.pk]


def test_mail_from_the_duplicates_address_reaches_the_survivor(account, pair):
    survivor, duplicate, _ticket = pair
    merge_contacts(survivor=survivor, duplicate=duplicate)

    result = ingest(
        InboundMessage(
            account=account, channel="email", kind="email", sender_kind="email",
            sender_value="Dana.Smith@work.example", sender_name="Dana", subject="Another question",
            text="Hello again", external_id="<after-merge@example.com>", raw=b"From: dana.smith@work.example\r\n\r\nx",
        )
    )  # fmt: skip

    assert result.message.ticket.contact_id == survivor.pk
    assert Contact.objects.filter(account=account).count() == 1


def test_survivor_takes_missing_name_and_company_from_the_duplicate(account):
    from helpline.people.actions import create_company, update_contact

    survivor = create_contact(account=account, email="x@example.com")
    duplicate = create_contact(account=account, name="Xavier", email="xavier@example.com")
    update_contact(contact=duplicate, company=create_company(account=account, name="Initech"))

    merge_contacts(survivor=survivor, duplicate=duplicate)

    survivor.refresh_from_db()
    assert (survivor.name, survivor.primary_email, survivor.company.name) == ("Xavier", "x@example.com", "Initech")


def test_merge_refuses_itself_and_other_accounts(account, other_account):
    contact = create_contact(account=account, name="A", email="a@example.com")
    stranger = create_contact(account=other_account, name="B", email="b@example.com")

    with pytest.raises(DomainError, match="into itself"):
        merge_contacts(survivor=contact, duplicate=contact)
    with pytest.raises(DomainError, match="same account"):
        merge_contacts(survivor=contact, duplicate=stranger)

    assert Contact.objects.filter(pk__in=[contact.pk, stranger.pk]).count() == 2
    assert list(stranger.identities.values_list("value", flat=True)) == ["b@example.com"]
    assert not AuditEntry.objects.filter(action="contact.merged").exists()
    assert Ticket.objects.count() == 0
