"""/contacts: the people who write to the account; their private notes; merging duplicates."""

from __future__ import annotations

from django.db import transaction
from ninja import Query, Router

from helpline.api import workflows
from helpline.api.auth import account_of, actor_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.contacts import (
    ContactFilterQuery,
    ContactIn,
    ContactMergeIn,
    ContactNoteIn,
    ContactNoteOut,
    ContactNotePage,
    ContactOut,
    ContactPage,
    ContactPatch,
)
from helpline.api.selectors import looks_like_id
from helpline.core.errors import NotFound
from helpline.people import actions
from helpline.people import selectors as people

router = Router(tags=["contacts"])


def _id(value: str | None) -> str:
    return value if looks_like_id(value) else ""


def _contact(account, public_id: str):
    return people.access_contact(account, _id(public_id))


def _reference(fetch, account, field: str, public_id: str | None, *, location: str = "body"):
    """The company or group a field names; an unknown one is a 400 on that field."""
    if public_id is None:
        return None
    try:
        return fetch(account, _id(public_id))
    except NotFound as exc:
        raise FieldError(field, exc.message, location=location) from exc


@router.get("/contacts", response=responses({200: ContactPage}), summary="List contacts")
def list_contacts(request, params: Query[ContactFilterQuery]):
    """Newest first; filter by a search, a company and a contact group (its static and rule members)."""
    account = account_of(request)
    after = decode_id(params.cursor)
    company = _reference(people.access_company, account, "company", params.company, location="query")
    group = _reference(people.access_group, account, "group", params.group, location="query")
    page = people.list_contacts(
        account, q=params.q or "", company=company, group=group, after_id=after, limit=params.limit + 1
    )
    items = page[: params.limit]
    next_cursor = encode_value(items[-1].pk) if len(page) > params.limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.post("/contacts", response=responses({201: ContactOut}, 409), summary="Create a contact")
def create_contact(request, payload: ContactIn):
    """An email address belongs to one contact per account: a second contact with it is a 409."""
    account = account_of(request)
    contact = workflows.add_contact(account=account, name=payload.name, email=payload.email, actor=actor_of(request))
    return 201, _contact(account, contact.public_id)


@router.get("/contacts/{id}", response=responses({200: ContactOut}), summary="Get a contact")
def get_contact(request, id: str):
    return _contact(account_of(request), id)


@router.patch("/contacts/{id}", response=responses({200: ContactOut}, 409), summary="Change a contact")
def update_contact(request, id: str, payload: ContactPatch):
    """Change the name, the primary email address (409 when another contact has it: merge them), the company and
    custom field values."""
    account = account_of(request)
    contact = _contact(account, id)
    given = payload.model_fields_set
    company = _reference(people.access_company, account, "company", payload.company)
    with transaction.atomic():
        actions.update_contact(
            contact=contact,
            name=payload.name if "name" in given else None,
            email=payload.email if "email" in given else None,
            company=company if "company" in given else actions.UNCHANGED,
            actor=actor_of(request),
        )
        if payload.custom_fields:
            workflows.set_contact_fields(contact=contact, values=payload.custom_fields, actor=actor_of(request))
    return _contact(account, contact.public_id)


@router.post("/contacts/{id}/merge", response=responses({200: ContactOut}), summary="Merge a duplicate into a contact")
def merge_contacts(request, id: str, payload: ContactMergeIn):
    """The duplicate's identities, tickets, notes, groups and field values move to this contact; the duplicate
    is deleted, and mail from its addresses reaches this contact from then on."""
    account = account_of(request)
    survivor = _contact(account, id)
    duplicate = _reference(people.access_contact, account, "duplicate", payload.duplicate)
    actions.merge_contacts(survivor=survivor, duplicate=duplicate, actor=actor_of(request))
    return _contact(account, survivor.public_id)


@router.get("/contacts/{id}/notes", response=responses({200: ContactNotePage}), summary="List a contact's notes")
def list_contact_notes(request, id: str):
    """The team's private notes on the contact, newest first (the latest 50)."""
    return {"items": people.list_notes(_contact(account_of(request), id))}


@router.post("/contacts/{id}/notes", response=responses({201: ContactNoteOut}), summary="Add a note to a contact")
def add_contact_note(request, id: str, payload: ContactNoteIn):
    """A private note: agents see it on the contact and beside its tickets; customers never do."""
    note = actions.add_contact_note(
        contact=_contact(account_of(request), id), body=payload.body, actor=actor_of(request)
    )
    return 201, note


@router.delete("/contacts/{id}/notes/{note_id}", response=responses({204: None}), summary="Delete a contact's note")
def delete_contact_note(request, id: str, note_id: str):
    note = people.access_note(_contact(account_of(request), id), _id(note_id))
    actions.delete_contact_note(note=note, actor=actor_of(request))
    return 204, None
