"""Custom fields: define, change and delete them; set several values of a ticket or a contact at once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helpline.conversations.actions.tickets import set_custom_field
from helpline.conversations.custom_fields import (
    KEY_PATTERN,
    MAX_FIELDS,
    FieldValueError,
    clean_choices,
    coerce_value,
)
from helpline.conversations.models import CustomField, CustomFieldValue
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.core.ordering import moved_in_order
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security import audit
from helpline.tenancy.selectors import forget_account_lists

APPLIES_TO = (CustomField.TICKET, CustomField.CONTACT)
KINDS = tuple(value for value, _label in CustomField.KIND_CHOICES)


def _clean_label(label: str) -> str:
    label = (label or "").strip()
    if not label:
        raise DomainError(_("A field needs a label."))
    if len(label) > 100:
        raise DomainError(_("A label is at most 100 characters long."))
    return label


def _published(field: CustomField, change: str, actor: Actor) -> None:
    forget_account_lists(field.account_id)
    publish_on_commit(
        ev.CustomFieldDefinitionChanged(
            account_id=field.account_id, actor_user_id=actor.user_id, field_id=field.pk, change=change
        )
    )


@transaction.atomic
def create_custom_field(
    *, account, applies_to: str, key: str, label: str, kind: str, choices=(), actor: Actor = SYSTEM
) -> CustomField:
    if applies_to not in APPLIES_TO:
        raise DomainError(_("A field applies to tickets or to contacts."))
    key = (key or "").strip().lower()
    if not KEY_PATTERN.fullmatch(key):
        raise DomainError(_("The key starts with a letter and has only lower-case letters, digits and _ (at most 64)."))
    if kind not in KINDS:
        raise DomainError(_("Choose one of the listed types."))
    label = _clean_label(label)
    choices = clean_choices(kind, choices)
    if CustomField.objects.filter(account=account, applies_to=applies_to).count() >= MAX_FIELDS:
        raise DomainError(_("An account has at most %(max)d fields of each kind.") % {"max": MAX_FIELDS})
    taken = _("A field with the key %(key)s exists already.") % {"key": key}
    if CustomField.objects.filter(account=account, applies_to=applies_to, key=key).exists():
        raise Conflict(taken)
    last = CustomField.objects.filter(account=account, applies_to=applies_to).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            field = CustomField.objects.create(
                account=account, applies_to=applies_to, key=key, label=label, kind=kind, choices=choices,
                position=(last or 0) + 1,  # a new field goes last
            )  # fmt: skip
    except IntegrityError as exc:  # the same key created concurrently
        raise Conflict(taken) from exc
    audit.record(
        account=account,
        actor=actor,
        action="custom_field.created",
        subject=field,
        data={"key": key, "applies_to": applies_to, "kind": kind, "label": label, "choices": choices},
    )
    _published(field, "created", actor)
    return field


@transaction.atomic
def update_custom_field(
    *, field: CustomField, label: str | None = None, choices=None, actor: Actor = SYSTEM
) -> CustomField:
    """Change the label or a dropdown's choices. The key and the type stay: values and filters rely on them.

    A choice taken away stays on the records that carry it until they are changed."""
    values = {}
    if label is not None:
        values["label"] = _clean_label(label)
    if choices is not None and field.kind == CustomField.DROPDOWN:
        values["choices"] = clean_choices(field.kind, choices)
    changed = audit.apply_changes(field, values)
    if changed:
        field.save(update_fields=list(changed))
        audit.record(account=field.account, actor=actor, action="custom_field.updated", subject=field, data=changed)
        _published(field, "updated", actor)
    return field


@transaction.atomic
def reorder_custom_fields(*, account, public_ids: list[str], actor: Actor = SYSTEM) -> list[CustomField]:
    """Put the fields of tickets (or of contacts) in this order: ``public_ids`` names each field of one kind exactly
    once. Anything else (an unknown id, another account's, a field left out or named twice) changes nothing."""
    rows = CustomField.objects.select_for_update().filter(account=account, public_id__in=public_ids)
    named = {f.public_id: f for f in rows}
    unknown = [public_id for public_id in public_ids if public_id not in named]
    if unknown:
        raise FieldValueError("ids", _("There is no custom field with the id %(id)s.") % {"id": unknown[0]})
    kinds = {f.applies_to for f in named.values()}
    if len(kinds) > 1:
        raise FieldValueError("ids", _("Reorder the fields of tickets and those of contacts separately."))
    applies_to = kinds.pop() if kinds else None
    fields = list(CustomField.objects.filter(account=account, applies_to=applies_to).order_by("position", "id"))
    if len(public_ids) != len(set(public_ids)) or set(public_ids) != {f.public_id for f in fields}:
        raise FieldValueError("ids", _("List every field of tickets (or of contacts) exactly once."))
    before = [f.public_id for f in fields]
    ordered = [named[public_id] for public_id in public_ids]
    for position, field in enumerate(ordered, start=1):
        field.position = position
    CustomField.objects.bulk_update(ordered, ["position"])
    if before != list(public_ids):
        audit.record(
            account=account, actor=actor, action="custom_field.reordered", subject=account,
            data={"applies_to": applies_to, "order": [f.key for f in ordered]},
        )  # fmt: skip
        _published(ordered[0], "reordered", actor)
    return ordered


@transaction.atomic
def move_custom_field(*, field: CustomField, offset: int, actor: Actor = SYSTEM) -> list[CustomField]:
    """Move the field up (offset -1) or down (+1) among the fields of its kind."""
    kind = CustomField.objects.filter(account_id=field.account_id, applies_to=field.applies_to)
    order = moved_in_order(kind, field.public_id, offset)
    return reorder_custom_fields(account=field.account, public_ids=order, actor=actor)


@transaction.atomic
def delete_custom_field(*, field: CustomField, actor: Actor = SYSTEM) -> None:
    """Delete the field and every value of it."""
    values = CustomFieldValue.objects.filter(field=field).count()
    audit.record(
        account=field.account,
        actor=actor,
        action="custom_field.deleted",
        subject=field,
        data={"key": field.key, "applies_to": field.applies_to, "values": values},
    )
    _published(field, "deleted", actor)
    field.delete()


def _fields_for(account, applies_to: str, values: dict) -> list[tuple[CustomField, object]]:
    """Each (field, raw value) of ``values`` keyed by field key; every value is checked before anything is written."""
    fields = {f.key: f for f in CustomField.objects.filter(account=account, applies_to=applies_to, key__in=values)}
    for key, raw in values.items():
        if key not in fields:
            raise FieldValueError(key, _("There is no field with the key %(key)s.") % {"key": key})
        try:
            coerce_value(fields[key], raw)
        except DomainError as exc:
            raise FieldValueError(key, exc.message) from None
    return [(fields[key], raw) for key, raw in values.items()]


@transaction.atomic
def set_ticket_fields(*, ticket, values: dict, actor: Actor = SYSTEM) -> None:
    """Set several of the ticket's custom fields by key: all of them, or (on a bad value) none."""
    for field, raw in _fields_for(ticket.account, CustomField.TICKET, values):
        set_custom_field(ticket=ticket, field=field, value=raw, actor=actor)


@transaction.atomic
def set_contact_fields(*, contact, values: dict, actor: Actor = SYSTEM) -> None:
    """Set several of the contact's custom fields by key: all of them, or (on a bad value) none."""
    changed = {}
    for field, raw in _fields_for(contact.account, CustomField.CONTACT, values):
        coerced = coerce_value(field, raw)
        row = CustomFieldValue.objects.filter(field=field, contact=contact).first()
        before = row.value if row else None
        if before == coerced and (row is None) == (coerced is None):
            continue
        if coerced is None:
            row.delete()
        elif row is None:
            CustomFieldValue.objects.create(account_id=contact.account_id, field=field, contact=contact, value=coerced)
        else:
            row.value = coerced
            row.save(update_fields=["value"])
        changed[field.key] = [before, coerced]
    if changed:
        audit.record(
            account=contact.account, actor=actor, action="contact.custom_fields_set", subject=contact, data=changed
        )
        publish_on_commit(
            ev.ContactChanged(account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk)
        )
