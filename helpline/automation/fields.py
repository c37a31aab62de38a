"""What a condition can look at: each field, its type, and the operators that type allows.

Field keys are stable (they are stored in rules and used by the API): ``ticket.status``, ``message.body``,
``contact.email``, ``ticket.field.<custom field key>``, ``event.to_status`` … Values of references (department,
agent, brand, mailbox) are public ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TEXT, CHOICE, NUMBER, LIST, BOOL = "text", "choice", "number", "list", "bool"

# Choice sources the editor fills its value pickers from; "" for free text.
STATUS, PRIORITY, CHANNEL, DEPARTMENT, AGENT, BRAND, MAILBOX, MESSAGE_KIND, TAG = (
    "status", "priority", "channel", "department", "agent", "brand", "mailbox", "message_kind", "tag",
)  # fmt: skip


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    choices: str = ""  # which list of values the editor offers


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field("ticket.subject", _("Ticket subject"), TEXT),
        Field("ticket.status", _("Ticket status"), CHOICE, STATUS),
        Field("ticket.priority", _("Ticket priority"), CHOICE, PRIORITY),
        Field("ticket.channel", _("Channel"), CHOICE, CHANNEL),
        Field("ticket.department", _("Department"), CHOICE, DEPARTMENT),
        Field("ticket.assignee", _("Assigned agent"), CHOICE, AGENT),
        Field("ticket.brand", _("Brand"), CHOICE, BRAND),
        Field("ticket.mailbox", _("Mailbox"), CHOICE, MAILBOX),
        Field("ticket.tags", _("Ticket tags"), LIST, TAG),
        Field("ticket.message_count", _("Number of messages"), NUMBER),
        Field("ticket.in_business_hours", _("Now inside business hours (the department's, else the account's)"), BOOL),
        Field("message.body", _("Message text"), TEXT),
        Field("message.kind", _("Message type"), CHOICE, MESSAGE_KIND),
        Field("message.automatic", _("Message sent automatically"), BOOL),
        Field("contact.name", _("Contact name"), TEXT),
        Field("contact.email", _("Contact email"), TEXT),
        Field("contact.groups", _("Contact groups"), LIST),
        Field("company.name", _("Company name"), TEXT),
        Field("company.domain", _("Company domain"), TEXT),
        Field("event.from_status", _("Previous status (status changed)"), CHOICE, STATUS),
        Field("event.to_status", _("New status (status changed)"), CHOICE, STATUS),
        Field("event.from_priority", _("Previous priority (priority changed)"), CHOICE, PRIORITY),
        Field("event.to_priority", _("New priority (priority changed)"), CHOICE, PRIORITY),
        Field("event.tags", _("Tags added or removed (tag added, tag removed)"), LIST, TAG),
        Field("event.chat_ended_by", _("Chat ended by: visitor, agent or system (chat ended)"), CHOICE),
        Field("event.rating", _("Rating: good or bad (rating received)"), CHOICE),
        Field("event.rating_source", _("Rated through: email survey or chat (rating received)"), CHOICE),
        Field(
            "event.sla_target",
            _("SLA target: first_response, next_response or resolution (SLA warning, SLA breached)"),
            CHOICE,
        ),
    ]
}

TICKET_FIELD, CONTACT_FIELD = "ticket.field.", "contact.field."

# Custom field kinds (helpline.conversations.models.CustomField) as condition types.
CUSTOM_KIND_TYPES = {"text": TEXT, "number": NUMBER, "date": TEXT, "dropdown": CHOICE, "checkbox": BOOL}

OPERATORS: dict[str, str] = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "contains": _("contains"),
    "not_contains": _("does not contain"),
    "starts_with": _("starts with"),
    "ends_with": _("ends with"),
    "matches": _("matches the regular expression"),
    "has": _("includes"),
    "has_not": _("does not include"),
    "gt": _("is greater than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "is_empty": _("is empty"),
    "is_not_empty": _("is not empty"),
    "is_true": _("is yes"),
    "is_false": _("is no"),
}

OPERATORS_OF_TYPE: dict[str, tuple[str, ...]] = {
    TEXT: ("eq", "ne", "contains", "not_contains", "starts_with", "ends_with", "matches", "is_empty", "is_not_empty"),
    CHOICE: ("eq", "ne", "in", "not_in", "is_empty", "is_not_empty"),
    NUMBER: ("eq", "ne", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty"),
    LIST: ("has", "has_not", "contains", "not_contains", "is_empty", "is_not_empty"),
    BOOL: ("is_true", "is_false"),
}

# Operators that take no value, and those that take a list of values.
NO_VALUE = frozenset({"is_empty", "is_not_empty", "is_true", "is_false"})
LIST_VALUE = frozenset({"in", "not_in"})


def custom_field_key(key: str) -> tuple[str, str] | None:
    """("ticket" | "contact", custom field key) for a custom field condition key, else None."""
    for prefix, applies_to in ((TICKET_FIELD, "ticket"), (CONTACT_FIELD, "contact")):
        if key.startswith(prefix) and len(key) > len(prefix):
            return applies_to, key[len(prefix) :]
    return None


def field_type(key: str, custom_kinds: dict[tuple[str, str], str]) -> str | None:
    """The condition type of ``key``; ``custom_kinds`` maps (applies_to, key) to the custom field's kind."""
    if key in FIELDS:
        return FIELDS[key].type
    custom = custom_field_key(key)
    if custom and custom in custom_kinds:
        return CUSTOM_KIND_TYPES.get(custom_kinds[custom], TEXT)
    return None


def custom_kinds_of(account) -> dict[tuple[str, str], str]:
    from helpline.conversations.models import CustomField

    rows = CustomField.objects.filter(account=account).values_list("applies_to", "key", "kind")
    return {(applies_to, key): kind for applies_to, key, kind in rows}
