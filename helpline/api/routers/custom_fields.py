"""/custom-fields: the account's extra fields of tickets and contacts."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_text, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.custom_fields import (
    CustomFieldIn,
    CustomFieldList,
    CustomFieldOrderIn,
    CustomFieldOut,
    CustomFieldPage,
    CustomFieldPatch,
    CustomFieldQuery,
)
from helpline.api.selectors import looks_like_id
from helpline.conversations import actions
from helpline.conversations import custom_fields as definitions
from helpline.conversations.custom_fields import FieldValueError
from helpline.conversations.models import CustomField
from helpline.core.errors import NotFound

router = Router(tags=["custom fields"])


def _field(account, public_id: str) -> CustomField:
    field = definitions.get_custom_field(account, public_id) if looks_like_id(public_id) else None
    if field is None:
        raise NotFound(_("No such custom field."))
    return field


def _after(cursor: str | None) -> Q:
    """The fields after a cursor "<applies_to>.<position>.<id>" in the listing order."""
    raw = decode_text(cursor)
    if raw is None:
        return Q()
    applies_to, _dot, rest = raw.partition(".")
    position, _dot, pk = rest.partition(".")
    if not (position.isascii() and position.isdigit() and pk.isascii() and pk.isdigit()) or len(rest) > 40:
        raise FieldError("cursor", _("The cursor is not valid; start again from the first page."), location="query")
    position, pk = int(position), int(pk)
    same_kind = Q(applies_to=applies_to) & (Q(position__gt=position) | Q(position=position, pk__gt=pk))
    return Q(applies_to__lt=applies_to) | same_kind


@router.get("/custom-fields", response=responses({200: CustomFieldPage}), summary="List custom fields")
def list_custom_fields(request, params: Query[CustomFieldQuery]):
    """Ticket fields, then contact fields, each in their order (`position`; change it with /custom-fields/reorder)."""
    account = account_of(request)
    qs = CustomField.objects.filter(_after(params.cursor), account=account).order_by("-applies_to", "position", "id")
    if params.applies_to:
        qs = qs.filter(applies_to=params.applies_to)
    page = list(qs[: params.limit + 1])
    items = page[: params.limit]
    last = items[-1] if len(page) > params.limit else None
    return {
        "items": items,
        "next_cursor": encode_value(f"{last.applies_to}.{last.position}.{last.pk}") if last else None,
    }


@router.post("/custom-fields", response=responses({201: CustomFieldOut}, 409), summary="Create a custom field")
def create_custom_field(request, payload: CustomFieldIn):
    """A key is unique among the fields of tickets (or of contacts): a second one is a 409. A new field goes last."""
    field = actions.create_custom_field(account=account_of(request), actor=actor_of(request), **payload.model_dump())
    return 201, field


@router.post("/custom-fields/reorder", response=responses({200: CustomFieldList}), summary="Reorder custom fields")
def reorder_custom_fields(request, payload: CustomFieldOrderIn):
    """Give the id of every field of tickets (or of contacts) once, in the order the side panel, the contact page
    and the forms should show them. An unknown id, another account's, or a field left out changes nothing (400)."""
    try:
        items = actions.reorder_custom_fields(
            account=account_of(request), public_ids=payload.ids, actor=actor_of(request)
        )
    except FieldValueError as exc:
        raise FieldError(exc.key, exc.message) from exc
    return {"items": items}


@router.get("/custom-fields/{id}", response=responses({200: CustomFieldOut}), summary="Get a custom field")
def get_custom_field(request, id: str):
    return _field(account_of(request), id)


@router.patch("/custom-fields/{id}", response=responses({200: CustomFieldOut}), summary="Change a custom field")
def update_custom_field(request, id: str, payload: CustomFieldPatch):
    field = _field(account_of(request), id)
    return actions.update_custom_field(
        field=field, label=payload.label, choices=payload.choices, actor=actor_of(request)
    )


@router.delete("/custom-fields/{id}", response=responses({204: None}), summary="Delete a custom field")
def delete_custom_field(request, id: str):
    """Deletes every value of the field too."""
    field = _field(account_of(request), id)
    actions.delete_custom_field(field=field, actor=actor_of(request))
    return 204, None
