"""Subscribers of the people package (listed in helpline.events.subscribers)."""

from __future__ import annotations

from django.core.cache import cache

from helpline.events.types import (
    CompanyChanged,
    CompanyCreated,
    CompanyDeleted,
    ContactGroupChanged,
    ContactImportStarted,
    ContactsMerged,
)


def group_choices_key(account_id: int) -> str:
    return f"contact-group-choices:{account_id}"


def forget_group_choices(event: ContactGroupChanged) -> None:
    cache.delete(group_choices_key(event.account_id))


def reindex_company_contacts(event: CompanyCreated | CompanyChanged | CompanyDeleted) -> None:
    """A contact's search document carries its company's name (a new company has no contacts yet)."""
    from helpline.people.tasks import reindex_contacts

    if isinstance(event, CompanyCreated):
        return
    ids = getattr(event, "contact_ids", None)
    reindex_contacts(account_id=event.account_id, company_id=None if ids is not None else event.company_id, ids=ids)


def reindex_after_merge(event: ContactsMerged) -> None:
    """The duplicate leaves the index; the survivor and its tickets (which now name it) are indexed again."""
    from helpline.people.tasks import reindex_merged_contact
    from helpline.search.backends import engine

    engine().remove("contact", event.merged_contact_id)
    reindex_merged_contact(event.contact_id)


def start_contact_import(event: ContactImportStarted) -> None:
    from helpline.people.tasks import run_contact_import

    run_contact_import(event.import_id)
