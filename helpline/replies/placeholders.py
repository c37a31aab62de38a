"""Placeholders in canned messages and predefined answers: ``{{ contact.name }}`` and friends.

A tiny substitution of our own, never Django's template engine on text agents typed: only the names below are
filled in, nothing is evaluated. A known name without a value becomes empty; an unknown name stays as written, and
saving text with one is refused (``unknown_placeholders``), so a typo is caught before a customer sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape
from django.utils.translation import gettext as _

from helpline.conversations.html import sanitize_html

PATTERN = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
FIELD_PREFIX = "ticket.fields."
BUILT_IN = ("contact.name", "contact.email", "agent.name", "ticket.code", "ticket.subject")


def names_in(text: str) -> list[str]:
    """The placeholder names in ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(PATTERN.findall(text or "")))


def known_names(account) -> set[str]:
    """Every name the account's text may use: the built-in ones and its ticket custom fields."""
    from helpline.conversations.models import CustomField

    keys = CustomField.objects.filter(account=account, applies_to=CustomField.TICKET).values_list("key", flat=True)
    return {*BUILT_IN, *(FIELD_PREFIX + key for key in keys)}


def unknown_placeholders(account, text: str) -> list[str]:
    used = names_in(text)
    if not used:
        return []
    known = known_names(account)
    return [name for name in used if name not in known]


def _field_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(_field_text(v) for v in value)
    return str(value)


def values_for(*, ticket, agent) -> dict[str, str]:
    """What each placeholder stands for on this ticket, written by this agent (their alias when they have one)."""
    from helpline.conversations.models import CustomField, CustomFieldValue

    contact = ticket.contact
    values = {
        "contact.name": contact.name or "",
        "contact.email": contact.primary_email or "",
        "agent.name": (agent.alias or agent.display_name) if agent is not None else "",
        "ticket.code": ticket.code,
        "ticket.subject": ticket.subject,
    }
    fields = CustomFieldValue.objects.filter(
        account_id=ticket.account_id, ticket=ticket, field__applies_to=CustomField.TICKET
    ).values_list("field__key", "value")
    for key, value in fields:
        values[FIELD_PREFIX + key] = _field_text(value)
    return values


def render_text(text: str, values: Mapping[str, str], *, known: set[str] | None = None) -> str:
    """Plain text: each known placeholder replaced by its value ("" when the ticket has none); others left visible.

    ``known`` (from ``known_names``) says which names exist; without it, every name in ``values`` and the built-in
    ones count as known.
    """
    known = known if known is not None else {*BUILT_IN, *values}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        return "" if name in known else match.group(0)

    return PATTERN.sub(fill, text or "")


def render_html(html: str, values: Mapping[str, str], *, known: set[str] | None = None) -> str:
    """HTML: values are escaped before they go in, and the result is sanitised like any HTML we send."""
    escaped = {name: escape(value) for name, value in values.items()}
    return sanitize_html(render_text(html, escaped, known=known))
