"""Background work of the people package. Every task is idempotent."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from helpline.people.models import Contact


@db_task()
def reindex_contacts(*, account_id: int, company_id: int | None = None, ids=None) -> int:
    from helpline.search.subscribers import reindex_contacts as reindex

    contacts = Contact.objects.filter(account_id=account_id)
    contacts = contacts.filter(pk__in=list(ids)) if ids is not None else contacts.filter(company_id=company_id)
    found = list(contacts.values_list("pk", flat=True))
    reindex(found)
    return len(found)


@db_task()
def reindex_merged_contact(contact_id: int) -> None:
    from helpline.conversations.models import Ticket
    from helpline.search.subscribers import reindex_contacts, reindex_tickets

    reindex_contacts([contact_id])
    reindex_tickets(list(Ticket.objects.filter(contact_id=contact_id).values_list("pk", flat=True)))


@db_task()
def run_contact_import(import_id: int) -> None:
    from helpline.people.actions.imports import run_contact_import as run

    run(import_id=import_id)
