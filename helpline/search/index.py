"""What goes into the index for a ticket and a contact, and the account-scoped search calls."""

from __future__ import annotations

from helpline.search.backends import MAX_DOCUMENT, engine


def ticket_document(ticket) -> str:
    from helpline.conversations.models import Message
    from helpline.people.models import ContactIdentity

    contact = ticket.contact
    identities = ContactIdentity.objects.filter(contact=contact).values_list("value", flat=True)
    parts = [ticket.code, ticket.subject, contact.name, *identities]
    size = sum(len(p) for p in parts)
    for body in Message.objects.filter(ticket=ticket).order_by("id").values_list("body_text", flat=True):
        if size >= MAX_DOCUMENT:
            break
        parts.append(body)
        size += len(body)
    return "\n".join(p for p in parts if p)


def contact_document(contact) -> str:
    identities = contact.identities.values_list("value", flat=True)
    company = contact.company.name if contact.company_id else ""
    notes = contact.notes.order_by("-id").values_list("body", flat=True)[:20]  # agents find a contact by a note
    return "\n".join(p for p in [contact.name, *identities, company, *notes] if p)


def index_ticket(ticket) -> None:
    engine().index("ticket", ticket.pk, ticket.account_id, ticket_document(ticket))


def index_contact(contact) -> None:
    engine().index("contact", contact.pk, contact.account_id, contact_document(contact))


def search_ticket_ids(account, query: str, limit: int = 200) -> list[int]:
    return engine().search("ticket", account.pk, query, limit)


def search_contact_ids(account, query: str, limit: int = 200) -> list[int]:
    return engine().search("contact", account.pk, query, limit)
