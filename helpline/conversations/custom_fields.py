"""Custom fields: what each kind accepts, the account's definitions, and the values of one ticket or contact."""

from __future__ import annotations

import math
import re
from datetime import date

from django.core.cache import cache
from django.utils.translation import gettext as _

from helpline.conversations.models import CustomField, CustomFieldValue
from helpline.core.errors import DomainError

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_TEXT = 2000
MAX_CHOICES = 100
MAX_CHOICE = 100
MAX_FIELDS = 100  # per account and kind of record (ticket, contact)
TRUE_WORDS = {"true", "on", "1", "yes"}
FALSE_WORDS = {"false", "off", "0", "no"}


class FieldValueError(DomainError):
    """A custom field value that does not fit (or a key naming no field); ``key`` is the field's key."""

    def __init__(self, key: str, message):
        super().__init__(message)
        self.key = key


def coerce_value(field: CustomField, raw):
    """The value stored for ``raw`` (text, number, ISO date, one of the choices, true/false); None clears it.

    Accepts what a form posts (strings) and what JSON carries (numbers, booleans). Raises DomainError naming
    the field when the value does not fit its kind.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    label = field.label
    if field.kind == CustomField.NUMBER:
        number = _number(raw)
        if number is None:
            raise DomainError(_("%(label)s: enter a number, such as 42 or 3.5.") % {"label": label})
        return number
    if field.kind == CustomField.CHECKBOX:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise DomainError(_("%(label)s: the value must be true or false.") % {"label": label})
    if field.kind == CustomField.DATE:
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise DomainError(_("%(label)s: enter a date as YYYY-MM-DD.") % {"label": label}) from None
    if not isinstance(raw, str):
        raise DomainError(_("%(label)s: the value must be text.") % {"label": label})
    value = raw.strip()
    if field.kind == CustomField.DROPDOWN:
        if value not in field.choices:
            raise DomainError(_("%(label)s: choose one of the listed values.") % {"label": label})
        return value
    if len(value) > MAX_TEXT:
        raise DomainError(_("%(label)s: at most %(max)d characters.") % {"label": label, "max": MAX_TEXT})
    return value


def _number(raw) -> int | float | None:
    """An int when whole (so 3 and "3.0" are stored, and compared in filters, as the same JSON number)."""
    if isinstance(raw, bool):
        return None
    try:
        number = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > 1e15:
        return None
    return int(number) if number.is_integer() else number


def clean_choices(kind: str, choices) -> list[str]:
    """A dropdown's choices: trimmed, unique, at least one; other kinds have none."""
    if kind != CustomField.DROPDOWN:
        return []
    if isinstance(choices, str):
        choices = choices.splitlines()
    cleaned = []
    for choice in choices or []:
        choice = str(choice).strip()
        if len(choice) > MAX_CHOICE:
            raise DomainError(_("A choice is at most %(max)d characters long.") % {"max": MAX_CHOICE})
        if choice and choice not in cleaned:
            cleaned.append(choice)
    if not cleaned:
        raise DomainError(_("A dropdown needs at least one choice."))
    if len(cleaned) > MAX_CHOICES:
        raise DomainError(_("A dropdown has at most %(max)d choices.") % {"max": MAX_CHOICES})
    return cleaned


def list_custom_fields(account, applies_to: str) -> list[CustomField]:
    """The account's fields for tickets or contacts, in their order (settings → custom fields; new ones last)."""
    return list(CustomField.objects.filter(account=account, applies_to=applies_to).order_by("position", "id"))


def get_custom_field(account, public_id: str) -> CustomField | None:
    return CustomField.objects.filter(account=account, public_id=public_id).first()


def ticket_fields_by_key(account) -> dict[str, CustomField]:
    """The account's ticket fields by key, cached until a field changes (see forget_account_lists)."""
    from helpline.tenancy.selectors import ACCOUNT_LISTS_TTL, account_lists_version

    key = f"ticket-custom-fields:{account.pk}:{account_lists_version(account.pk)}"
    fields = cache.get(key)
    if fields is None:
        fields = {f.key: f for f in list_custom_fields(account, CustomField.TICKET)}
        cache.set(key, fields, ACCOUNT_LISTS_TTL)
    return fields


def values_by_key(*, ticket=None, contact=None) -> dict[str, object]:
    """{field key: value} of one ticket's or one contact's set fields."""
    qs = (
        CustomFieldValue.objects.filter(ticket=ticket)
        if ticket is not None
        else CustomFieldValue.objects.filter(contact=contact)
    )
    return dict(qs.values_list("field__key", "value"))
