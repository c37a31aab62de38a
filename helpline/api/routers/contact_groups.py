"""/contact-groups: segments of contacts, by hand and/or by a rule on any field."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.contacts import (
    ContactGroupIn,
    ContactGroupOut,
    ContactGroupPage,
    ContactGroupPatch,
    ContactPage,
    ContactQuery,
    GroupMembersIn,
)
from helpline.api.selectors import looks_like_id
from helpline.people import actions
from helpline.people import selectors as people

router = Router(tags=["contact groups"])


def _group(account, public_id: str):
    return people.access_group(account, public_id if looks_like_id(public_id) else "")


def _rule(payload):
    return payload.rule.model_dump() if payload.rule is not None else None


@router.get("/contact-groups", response=responses({200: ContactGroupPage}), summary="List contact groups")
def list_contact_groups(request):
    return {"items": people.list_groups(account_of(request))}


@router.post("/contact-groups", response=responses({201: ContactGroupOut}, 409), summary="Create a contact group")
def create_contact_group(request, payload: ContactGroupIn):
    """With a ``rule``, every contact matching it is a member too (evaluated when asked, so always current)."""
    group = actions.create_group(
        account=account_of(request), name=payload.name, description=payload.description, rule=_rule(payload),
        actor=actor_of(request),
    )  # fmt: skip
    return 201, group


@router.get("/contact-groups/{id}", response=responses({200: ContactGroupOut}), summary="Get a contact group")
def get_contact_group(request, id: str):
    return _group(account_of(request), id)


@router.patch("/contact-groups/{id}", response=responses({200: ContactGroupOut}, 409), summary="Change a contact group")
def update_contact_group(request, id: str, payload: ContactGroupPatch):
    """A rule with no conditions removes the rule."""
    group = _group(account_of(request), id)
    return actions.update_group(
        group=group, name=payload.name, description=payload.description, rule=_rule(payload), actor=actor_of(request)
    )


@router.delete("/contact-groups/{id}", response=responses({204: None}), summary="Delete a contact group")
def delete_contact_group(request, id: str):
    actions.delete_group(group=_group(account_of(request), id), actor=actor_of(request))
    return 204, None


@router.get("/contact-groups/{id}/contacts", response=responses({200: ContactPage}), summary="List a group's members")
def list_contact_group_members(request, id: str, params: Query[ContactQuery]):
    """Members by hand and by rule, newest first."""
    account = account_of(request)
    group = _group(account, id)
    page = people.list_contacts(
        account, q=params.q or "", group=group, after_id=decode_id(params.cursor), limit=params.limit + 1
    )
    items = page[: params.limit]
    return {"items": items, "next_cursor": encode_value(items[-1].pk) if len(page) > params.limit else None}


@router.post(
    "/contact-groups/{id}/members", response=responses({200: ContactGroupOut}), summary="Add or remove members"
)
def set_contact_group_members(request, id: str, payload: GroupMembersIn):
    account = account_of(request)
    group = _group(account, id)
    named = {*payload.add, *payload.remove}
    found = people.contacts_by_public_id(account, named)
    for field, ids in (("add", payload.add), ("remove", payload.remove)):
        missing = [i for i in ids if i not in found]
        if missing:
            raise FieldError(field, _("No such contacts: %(ids)s.") % {"ids": ", ".join(missing[:5])})
    actions.set_group_members(
        group=group, add=[found[i] for i in payload.add], remove=[found[i] for i in payload.remove],
        actor=actor_of(request),
    )  # fmt: skip
    return group
