"""Custom field shapes: definitions, and the values carried by tickets and contacts."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, text

FieldKind = Literal["text", "number", "date", "dropdown", "checkbox"]
AppliesTo = Literal["ticket", "contact"]
FieldValue = str | int | float | bool | None
# {key: value}; null (or "") clears a field. Values are checked against each field's type.
FieldValues = dict[text(64, required=True), FieldValue]
FIELD_VALUES_DOC = (
    "Custom field values by field key: text and dropdown take a string, number a number, date `YYYY-MM-DD`, "
    "checkbox true/false; null clears. Only the keys sent change."
)


class CustomFieldOut(Schema):
    id: str
    key: str
    label: str
    kind: FieldKind
    applies_to: AppliesTo
    choices: list[str]
    position: int = Field(
        description="Its place among the fields of its kind, lowest first (equal ones: oldest first)."
    )

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class CustomFieldPage(Schema):
    items: list[CustomFieldOut]
    next_cursor: str | None


class CustomFieldList(Schema):
    items: list[CustomFieldOut]


class CustomFieldOrderIn(Input):
    ids: list[text(16, required=True)] = Field(
        min_length=1, max_length=100, description="Every field of tickets (or of contacts), once, in the new order."
    )


class CustomFieldQuery(Schema):
    applies_to: AppliesTo | None = Field(None, description="Only the fields of tickets or of contacts.")
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(100, ge=1, le=100)


class CustomFieldIn(Input):
    applies_to: AppliesTo
    key: text(64, required=True) = Field(description="Lower-case letters, digits and _; starts with a letter.")
    label: text(100, required=True)
    kind: FieldKind
    choices: list[text(100, required=True)] = Field(
        default_factory=list, max_length=100, description="A dropdown's choices (required for a dropdown)."
    )


class CustomFieldPatch(Input):
    """The key and the type never change; a dropdown's choices replace the old ones."""

    label: text(100, required=True) | None = None
    choices: list[text(100, required=True)] | None = Field(None, max_length=100)
