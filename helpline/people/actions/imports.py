"""CSV import of contacts: upload and preview, start (a task does the rows), run.

Rows are matched to existing contacts by email address: a known address updates that contact, a new one
creates a contact. Each row is written on its own, so one bad row never stops the others; its error is
kept with its row number for the report.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events.types import ContactImportStarted
from helpline.people import csv_io
from helpline.people.actions.contacts import UNCHANGED, create_contact, update_contact
from helpline.people.models import Company, Contact, ContactGroup, ContactIdentity, ContactImport
from helpline.security import audit

PROGRESS_EVERY = 100


@transaction.atomic
def preview_contact_import(*, account, file_name: str, data: bytes, actor: Actor) -> ContactImport:
    """Store the upload for preview. A file that cannot be imported at all is a DomainError."""
    text = csv_io.decode(data)
    csv_io.header_columns(text)
    total = sum(1 for _row in csv_io.read_rows(text))
    if not total:
        raise DomainError(_("The file has no rows below its header."))
    return ContactImport.objects.create(
        account=account, created_by=actor.user, file_name=file_name[:255], source=text, total_rows=total
    )


def preview_rows(contact_import: ContactImport) -> list[csv_io.Row]:
    """The first rows as they will be imported, each with its errors (format and unknown groups)."""
    rows = list(csv_io.read_rows(contact_import.source, limit=csv_io.PREVIEW_ROWS))
    known = _group_names(contact_import.account_id)
    for row in rows:
        row.errors += _unknown_groups(row, known)
    return rows


def _group_names(account_id: int) -> dict[str, ContactGroup]:
    return {g.name.lower(): g for g in ContactGroup.objects.filter(account_id=account_id)}


def _unknown_groups(row: csv_io.Row, known: dict) -> list[str]:
    return [_("There is no group %(name)s.") % {"name": name} for name in row.groups if name.lower() not in known]


@transaction.atomic
def start_contact_import(*, contact_import: ContactImport, actor: Actor) -> ContactImport:
    if contact_import.status != ContactImport.PREVIEW:
        raise DomainError(_("This import has started already."))
    contact_import.status = ContactImport.QUEUED
    contact_import.save(update_fields=["status"])
    audit.record(
        account=contact_import.account, actor=actor, action=ContactImportStarted.name, subject=contact_import,
        data={"file": contact_import.file_name, "rows": contact_import.total_rows},
    )  # fmt: skip
    publish_on_commit(
        ContactImportStarted(
            account_id=contact_import.account_id, actor_user_id=actor.user_id, import_id=contact_import.pk
        )
    )
    return contact_import


def run_contact_import(*, import_id: int) -> ContactImport | None:
    """Import every row. Idempotent: only a queued import runs, and only once."""
    if not ContactImport.objects.filter(pk=import_id, status=ContactImport.QUEUED).update(status=ContactImport.RUNNING):
        return None
    contact_import = ContactImport.objects.select_related("account", "created_by").get(pk=import_id)
    actor = Actor(user=contact_import.created_by)
    groups = _group_names(contact_import.account_id)
    companies: dict[str, Company] = {}
    created = updated = 0
    errors = []
    try:
        for done, row in enumerate(csv_io.read_rows(contact_import.source), start=1):
            problems = row.errors + _unknown_groups(row, groups)
            if not problems:
                try:
                    was_created = _import_row(contact_import.account, row, groups, companies, actor)
                except DomainError as exc:
                    problems = [str(exc.message)]
                else:
                    created, updated = created + was_created, updated + (not was_created)
            if problems:
                errors.append({"row": row.number, "message": " ".join(str(p) for p in problems)})
            if done % PROGRESS_EVERY == 0:
                ContactImport.objects.filter(pk=import_id).update(
                    created_count=created, updated_count=updated, errors=errors
                )
        status = ContactImport.DONE
    except DomainError as exc:
        errors.append({"row": 0, "message": str(exc.message)})
        status = ContactImport.FAILED
    ContactImport.objects.filter(pk=import_id).update(
        status=status, created_count=created, updated_count=updated, errors=errors, finished_at=clock.now()
    )
    contact_import.refresh_from_db()
    return contact_import


@transaction.atomic
def _import_row(account, row: csv_io.Row, groups: dict, companies: dict, actor: Actor) -> bool:
    """Write one row; True when it created a contact."""
    contact = None
    if row.email:
        identity = ContactIdentity.objects.filter(account=account, kind=ContactIdentity.EMAIL, value=row.email)
        contact = Contact.objects.filter(pk__in=identity.values("contact_id")).first()
    if row.phone:
        owner = ContactIdentity.objects.filter(account=account, kind=ContactIdentity.PHONE, value=row.phone).first()
        if owner and (contact is None or owner.contact_id != contact.pk):
            raise DomainError(_("The phone number %(phone)s belongs to another contact.") % {"phone": row.phone})
    created = contact is None
    if created:
        contact = create_contact(account=account, name=row.name, email=row.email, actor=actor)
    company = UNCHANGED
    if row.company:
        key = row.company.lower()
        if key not in companies:
            companies[key] = Company.objects.filter(account=account, name__iexact=row.company).first()
            if companies[key] is None:
                from helpline.people.actions.companies import create_company

                companies[key] = create_company(account=account, name=row.company, actor=actor)
        company = companies[key]
    update_contact(contact=contact, name=row.name or None, company=company, actor=actor)
    if row.phone:
        ContactIdentity.objects.get_or_create(
            account=account, kind=ContactIdentity.PHONE, value=row.phone, defaults={"contact": contact}
        )
    if row.groups:
        from helpline.people.actions.groups import set_group_members

        for name in row.groups:
            set_group_members(group=groups[name.lower()], add=[contact], actor=actor)
    return created
