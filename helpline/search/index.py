"""What goes into the index for tickets and contacts, and the account-scoped search calls.

Documents are built and written for many objects at once: a batch of new mail or a bulk job reindexes its
tickets in a few statements, and one ticket is a batch of one."""

from __future__ import annotations

from collections.abc import Iterable

from helpline.search.backends import MAX_DOCUMENT, engine

NOTES_PER_CONTACT = 20  # agents find a contact by a recent note
TICKET_DOCUMENT_FIELDS = ("account_id", "code", "subject", "contact_id", "contact__name")  # what ticket_documents reads


def _values_by(queryset, key: str, value: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for owner, text in queryset.values_list(key, value).iterator(chunk_size=2000):
        found.setdefault(owner, []).append(text)
    return found


def ticket_documents(tickets: list) -> dict[int, str]:
    """ticket id → document (code, subject, the contact's name and identities, message texts up to
    ``MAX_DOCUMENT``); the tickets come with their contact. Two queries for the lot."""
    from helpline.conversations.models import Message
    from helpline.people.models import ContactIdentity

    identities = _values_by(
        ContactIdentity.objects.filter(contact_id__in={t.contact_id for t in tickets}).order_by("id"),
        "contact_id",
        "value",
    )
    parts = {t.pk: [t.code, t.subject, t.contact.name, *identities.get(t.contact_id, ())] for t in tickets}
    sizes = {pk: sum(len(p) for p in found) for pk, found in parts.items()}
    bodies = Message.objects.filter(ticket_id__in=list(parts)).order_by("ticket_id", "id")
    for ticket_id, body in bodies.values_list("ticket_id", "body_text").iterator(chunk_size=2000):
        if sizes[ticket_id] < MAX_DOCUMENT:
            parts[ticket_id].append(body)
            sizes[ticket_id] += len(body)
    return {pk: "\n".join(p for p in found if p) for pk, found in parts.items()}


def contact_documents(contacts: list) -> dict[int, str]:
    """contact id → document (name, identities, company, recent notes); the contacts come with their company."""
    from helpline.people.models import ContactIdentity, ContactNote

    ids = [c.pk for c in contacts]
    identities = _values_by(ContactIdentity.objects.filter(contact_id__in=ids).order_by("id"), "contact_id", "value")
    recent_first = ContactNote.objects.filter(contact_id__in=ids).order_by("contact_id", "-id")
    notes = _values_by(recent_first, "contact_id", "body")
    return {
        c.pk: "\n".join(
            p
            for p in [
                c.name,
                *identities.get(c.pk, ()),
                c.company.name if c.company_id else "",
                *notes.get(c.pk, ())[:NOTES_PER_CONTACT],
            ]
            if p
        )
        for c in contacts
    }


def index_tickets(tickets: Iterable) -> None:
    tickets = list(tickets)
    if tickets:
        documents = ticket_documents(tickets)
        engine().index("ticket", [(t.pk, t.account_id, documents[t.pk]) for t in tickets])


def index_contacts(contacts: Iterable) -> None:
    contacts = list(contacts)
    if contacts:
        documents = contact_documents(contacts)
        engine().index("contact", [(c.pk, c.account_id, documents[c.pk]) for c in contacts])


def search_ticket_ids(account, query: str, limit: int = 200) -> list[int]:
    return engine().search("ticket", account.pk, query, limit)


def search_contact_ids(account, query: str, limit: int = 200) -> list[int]:
    return engine().search("contact", account.pk, query, limit)
