"""Companies and private contact notes: actions write one audit row and refuse bad input without a change."""

from __future__ import annotations

import pytest

from helpline.core.actors import Actor
from helpline.core.errors import Conflict, DomainError
from helpline.people.actions import (
    add_contact_note,
    create_company,
    create_contact,
    delete_company,
    delete_contact_note,
    update_company,
    update_contact,
)
from helpline.people.models import Company, ContactNote
from helpline.search.index import search_contact_ids
from helpline.security.models import AuditEntry


def test_company_lifecycle(account, agent, django_capture_on_commit_callbacks):
    actor = Actor(user=agent)
    with django_capture_on_commit_callbacks(execute=True):
        company = create_company(account=account, name=" Initech ", domain="@Initech.example", actor=actor)
        contact = create_contact(account=account, name="Peter", email="peter@initech.example")
        update_contact(contact=contact, company=company, actor=actor)
    assert (company.name, company.domain) == ("Initech", "initech.example")

    with django_capture_on_commit_callbacks(execute=True):
        update_company(company=company, name="Initrode", actor=actor)
    assert search_contact_ids(account, "initrode") == [contact.pk]

    with django_capture_on_commit_callbacks(execute=True):
        delete_company(company=company, actor=actor)
    contact.refresh_from_db()
    assert contact.company_id is None
    assert search_contact_ids(account, "initrode") == []
    assert list(AuditEntry.objects.filter(subject_type="company").values_list("action", flat=True)) == [
        "company.created", "company.changed", "company.deleted",
    ]  # fmt: skip


def test_company_names_are_unique_and_required(account, other_account):
    create_company(account=account, name="Acme")
    create_company(account=other_account, name="Acme")  # another account may use the name

    with pytest.raises(Conflict):
        create_company(account=account, name="ACME")
    with pytest.raises(DomainError, match="Give the company a name."):
        create_company(account=account, name="  ")
    assert Company.objects.filter(account=account).count() == 1


def test_a_company_of_another_account_cannot_be_set(account, other_account):
    contact = create_contact(account=account, name="Q")
    with pytest.raises(DomainError):
        update_contact(contact=contact, company=create_company(account=other_account, name="Globex"))
    contact.refresh_from_db()
    assert contact.company_id is None


def test_email_of_another_contact_is_a_conflict(account):
    create_contact(account=account, name="A", email="a@example.com")
    b = create_contact(account=account, name="B", email="b@example.com")

    with pytest.raises(Conflict, match="merge the two contacts"):
        update_contact(contact=b, email="A@example.com")

    update_contact(contact=b, email="b2@example.com")
    b.refresh_from_db()
    assert b.primary_email == "b2@example.com"
    assert sorted(b.identities.values_list("value", flat=True)) == ["b2@example.com", "b@example.com"]


def test_notes(account, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = create_contact(account=account, name="N", email="n@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        note = add_contact_note(contact=contact, body="  Hates hold music  ", actor=Actor(user=agent))
    assert (note.body, note.author, note.contact) == ("Hates hold music", agent, contact)
    assert search_contact_ids(account, "hold music") == [contact.pk]

    with pytest.raises(DomainError, match="Write something"):
        add_contact_note(contact=contact, body=" ", actor=Actor(user=agent))
    with pytest.raises(DomainError, match="at most 10000"):
        add_contact_note(contact=contact, body="x" * 10_001, actor=Actor(user=agent))
    assert ContactNote.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        delete_contact_note(note=note, actor=Actor(user=agent))
    assert ContactNote.objects.count() == 0
    assert search_contact_ids(account, "hold music") == []
    assert list(AuditEntry.objects.filter(subject_id=contact.public_id).values_list("action", flat=True)) == [
        "contact.created", "contact.note_added", "contact.note_deleted",
    ]  # fmt: skip


def test_add_and_remove_addresses_and_numbers(account):
    from helpline.people.actions import add_identity, remove_identity

    kim = create_contact(account=account, name="Kim")
    lee = create_contact(account=account, name="Lee", email="lee@example.com")

    add_identity(contact=kim, kind="email", value=" Kim@Example.com ")
    add_identity(contact=kim, kind="phone", value="+44 20 7946 0018")
    add_identity(contact=kim, kind="email", value="kim@work.example")
    kim.refresh_from_db()
    assert kim.primary_email == "kim@example.com"  # the first address became the primary one
    with pytest.raises(Conflict, match="merge the two contacts"):
        add_identity(contact=kim, kind="email", value="LEE@example.com")
    with pytest.raises(DomainError, match="valid email"):
        add_identity(contact=kim, kind="email", value="nope")
    with pytest.raises(DomainError, match="email address or a phone number"):
        add_identity(contact=kim, kind="visitor", value="v1")

    remove_identity(contact=kim, kind="email", value="kim@example.com")
    kim.refresh_from_db()
    assert kim.primary_email == "kim@work.example"
    assert sorted(kim.identities.values_list("kind", "value")) == [
        ("email", "kim@work.example"),
        ("phone", "+44 20 7946 0018"),
    ]
    assert list(lee.identities.values_list("value", flat=True)) == ["lee@example.com"]
    assert list(AuditEntry.objects.filter(subject_id=kim.public_id).values_list("data", flat=True))[1:] == [
        {"added": ["email", "kim@example.com"]}, {"added": ["phone", "+44 20 7946 0018"]},
        {"added": ["email", "kim@work.example"]}, {"removed": ["email", "kim@example.com"]},
    ]  # fmt: skip
