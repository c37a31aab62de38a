"""The side panel's custom fields: the ticket's and its contact's, each with the value to show in its input."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q

from helpline.conversations.models import CustomField, CustomFieldValue

INPUT_PREFIX = "field."  # a posted field's name: field.<key>


@dataclass(frozen=True)
class FieldRow:
    field: CustomField
    input_name: str
    value: str  # as the input shows it ("" when unset; "true" for a ticked checkbox)


def _definitions(account) -> list[CustomField]:
    """Every custom field of the account (tickets and contacts), cached until a field changes."""
    from helpline.tenancy.selectors import ACCOUNT_LISTS_TTL, account_lists_version

    key = f"custom-fields:{account.pk}:{account_lists_version(account.pk)}"
    fields = cache.get(key)
    if fields is None:
        fields = list(CustomField.objects.filter(account=account).order_by("position", "id"))
        cache.set(key, fields, ACCOUNT_LISTS_TTL)
    return fields


def _as_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def custom_field_panel(account, ticket, *, posted=None, posted_for: str = "") -> dict[str, list[FieldRow]]:
    """{"ticket": rows, "contact": rows}; after a refused change, ``posted`` (for ``posted_for``) is shown again."""
    fields = _definitions(account)
    if not fields:
        return {CustomField.TICKET: [], CustomField.CONTACT: []}
    stored = {
        (field_id, ticket_id is None): value
        for field_id, ticket_id, value in CustomFieldValue.objects.filter(
            Q(ticket_id=ticket.pk) | Q(contact_id=ticket.contact_id), account_id=account.pk
        ).values_list("field_id", "ticket_id", "value")
    }
    rows = {CustomField.TICKET: [], CustomField.CONTACT: []}
    for field in fields:
        name = f"{INPUT_PREFIX}{field.key}"
        if posted is not None and posted_for == field.applies_to:
            value = posted.get(name, "")
        else:
            value = _as_input(stored.get((field.pk, field.applies_to == CustomField.CONTACT)))
        rows[field.applies_to].append(FieldRow(field, name, value))
    return rows


def posted_values(account, applies_to: str, post) -> dict[str, str]:
    """{key: raw value} of every field of the kind, from a side-panel form (an unticked checkbox clears)."""
    return {f.key: post.get(f"{INPUT_PREFIX}{f.key}", "") for f in _definitions(account) if f.applies_to == applies_to}
