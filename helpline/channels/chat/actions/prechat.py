"""The pre-chat and offline forms: what the visitor typed, checked against the button's fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from helpline.channels.chat.models import ChatButton, FieldMode
from helpline.channels.chat.protocol import MAX_TEXT, VISITOR_ID
from helpline.core.errors import DomainError


class FormInvalid(DomainError):
    """The visitor's form has mistakes; ``errors`` maps each field to what is wrong with it."""

    status = 422
    code = "invalid_form"

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Please correct the marked fields."))
        self.errors = errors


@dataclass
class VisitorForm:
    visitor_id: str
    name: str = ""
    email: str = ""
    message: str = ""
    fields: dict = field(default_factory=dict)


def _text(data: dict, key: str, limit: int) -> str:
    value = data.get(key, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def clean_visitor_form(button: ChatButton, data: dict, *, offline: bool = False) -> VisitorForm:
    """Raise FormInvalid listing every mistake at once. The offline form always asks for an email and a message."""
    if not isinstance(data, dict):
        raise FormInvalid({"__all__": _("Send the form as a JSON object.")})
    errors: dict[str, str] = {}
    visitor_id = _text(data, "visitor", 64)
    if not VISITOR_ID.match(visitor_id):
        errors["visitor"] = _("The visitor id is missing or malformed.")
    form = VisitorForm(
        visitor_id=visitor_id,
        name=_text(data, "name", 200),
        email=_text(data, "email", 254).lower(),
        message=_text(data, "message", MAX_TEXT),
    )
    name_mode = button.name_field
    email_mode = FieldMode.REQUIRED if offline else button.email_field
    if name_mode == FieldMode.REQUIRED and not form.name:
        errors["name"] = _("Please enter your name.")
    if email_mode == FieldMode.REQUIRED and not form.email:
        errors["email"] = _("Please enter your email address.")
    if form.email:
        try:
            validate_email(form.email)
        except ValidationError:
            errors["email"] = _("Please enter a valid email address.")
    if offline and not form.message:
        errors["message"] = _("Please write your message.")
    given = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    for custom in button.custom_fields:
        value = given.get(custom["key"], "")
        value = value.strip()[:1000] if isinstance(value, str) else ""
        if custom.get("required") and not value and not offline:
            errors[custom["key"]] = _("Please fill in %(label)s.") % {"label": custom["label"]}
        if value:
            form.fields[custom["key"]] = value
    if name_mode == FieldMode.HIDDEN:
        form.name = ""
    if email_mode == FieldMode.HIDDEN:
        form.email = ""
    if errors:
        raise FormInvalid(errors)
    return form
