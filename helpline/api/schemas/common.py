"""Shared field types and shapes. Every input string rejects NUL and unpaired surrogates, which no
database column can store, so such input is a 400 rather than a database error."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, WithJsonSchema, create_model


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Contains a NUL character, which is not allowed."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("Contains characters that are not valid Unicode.")) from exc
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("Must not be blank."))
    return value


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError(_("Enter a valid email address.")) from exc
    return value


def text(max_length: int, *, required: bool = False, strip: bool = True):
    """A storable string of at most ``max_length`` characters; ``required`` also rejects blank strings."""
    checks = [AfterValidator(_storable)]
    if required:
        checks.append(AfterValidator(_not_blank))
    return Annotated[str, StringConstraints(max_length=max_length, strip_whitespace=strip), *checks]


PublicId = text(16)
Email = Annotated[
    text(254, required=True),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]


class Input(Schema):
    """Request bodies: unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


# One bad field: {"field": "contact.email", "in": "body"|"query"|"path", "message", "code"}; "in" is a keyword.
FieldProblem = create_model(
    "FieldProblem", __base__=Schema, field=(str, ...), message=(str, ...), code=(str, ...), **{"in": (str, ...)}
)


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] | None = None


ERRORS = {400: Problem, 401: Problem, 404: Problem}


def responses(ok: dict, *extra: int) -> dict:
    """``ok`` status → schema, plus the problem documents every operation can return."""
    return {**ok, **ERRORS, **{status: Problem for status in extra}}
