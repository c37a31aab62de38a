"""Background work of the people package. Every task is idempotent."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from helpline.people.models import Contact


@db_task()
def reindex_contacts(*, account_id: int, company_id: int | None = None, ids=None) -> int:
    from helpline.search.index import index_contact

    contacts = Contact.objects.filter(account_id=account_id).select_related("company")
    contacts = contacts.filter(pk__in=list(ids)) if ids is not None else contacts.filter(company_id=company_id)
    count = 0
    for contact in contacts.iterator(chunk_size=500):
        index_contact(contact)
        count += 1
    return count


@db_task()
def reindex_merged_contact(contact_id: int) -> None:
    from helpline.conversations.models import Ticket
    from helpline.search.index import index_contact, index_ticket

    contact = Contact.objects.select_related("company").filter(pk=contact_id).first()
    if contact is None:
        return
    index_contact(contact)
    for ticket in Ticket.objects.filter(contact=contact).select_related("contact").iterator(chunk_size=200):
        index_ticket(ticket)


@db_task()
def run_contact_import(import_id: int) -> None:
    from helpline.people.actions.imports import run_contact_import as run

    run(import_id=import_id)
