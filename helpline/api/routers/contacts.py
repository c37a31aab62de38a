"""/contacts: the people who write to the account."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api import workflows
from helpline.api.auth import account_of, actor_of
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.contacts import ContactIn, ContactOut, ContactPage, ContactPatch, ContactQuery
from helpline.api.selectors import looks_like_id
from helpline.people import actions
from helpline.people import selectors as people

router = Router(tags=["contacts"])


def _contact(account, public_id: str):
    return people.access_contact(account, public_id if looks_like_id(public_id) else "")


@router.get("/contacts", response=responses({200: ContactPage}), summary="List contacts")
def list_contacts(request, params: Query[ContactQuery]):
    """Newest first."""
    after = decode_id(params.cursor)
    page = people.list_contacts(account_of(request), q=params.q or "", after_id=after, limit=params.limit + 1)
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


@router.patch("/contacts/{id}", response=responses({200: ContactOut}), summary="Change a contact")
def update_contact(request, id: str, payload: ContactPatch):
    account = account_of(request)
    contact = actions.update_contact(contact=_contact(account, id), name=payload.name, actor=actor_of(request))
    return _contact(account, contact.public_id)
