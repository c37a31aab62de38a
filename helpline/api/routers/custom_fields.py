"""/custom-fields: the account's extra fields of tickets and contacts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.custom_fields import (
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPage,
    CustomFieldPatch,
    CustomFieldQuery,
)
from helpline.api.selectors import looks_like_id
from helpline.conversations import actions
from helpline.conversations import custom_fields as definitions
from helpline.conversations.models import CustomField
from helpline.core.errors import NotFound

router = Router(tags=["custom fields"])


def _field(account, public_id: str) -> CustomField:
    field = definitions.get_custom_field(account, public_id) if looks_like_id(public_id) else None
    if field is None:
        raise NotFound(_("No such custom field."))
    return field


@router.get("/custom-fields", response=responses({200: CustomFieldPage}), summary="List custom fields")
def list_custom_fields(request, params: Query[CustomFieldQuery]):
    """In the order they were created."""
    account = account_of(request)
    qs = CustomField.objects.filter(account=account).order_by("id")
    if params.applies_to:
        qs = qs.filter(applies_to=params.applies_to)
    after = decode_id(params.cursor)
    if after:
        qs = qs.filter(pk__gt=after)
    page = list(qs[: params.limit + 1])
    items = page[: params.limit]
    return {"items": items, "next_cursor": encode_value(items[-1].pk) if len(page) > params.limit else None}


@router.post("/custom-fields", response=responses({201: CustomFieldOut}, 409), summary="Create a custom field")
def create_custom_field(request, payload: CustomFieldIn):
    """A key is unique among the fields of tickets (or of contacts): a second one is a 409."""
    field = actions.create_custom_field(account=account_of(request), actor=actor_of(request), **payload.model_dump())
    return 201, field


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
