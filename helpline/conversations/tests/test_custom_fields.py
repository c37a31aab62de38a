"""Custom fields: what each kind accepts, defining fields, and setting values of tickets and contacts."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import (
    create_custom_field,
    delete_custom_field,
    set_contact_fields,
    set_custom_field,
    set_ticket_fields,
    update_custom_field,
)
from helpline.conversations.custom_fields import FieldValueError, coerce_value, values_by_key
from helpline.conversations.models import CustomField, CustomFieldValue
from helpline.core.actors import Actor
from helpline.core.errors import Conflict, DomainError
from helpline.security.models import AuditEntry


def _field(kind, choices=()):
    return CustomField(key="f", label="Plan", kind=kind, applies_to="ticket", choices=list(choices))


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("text", "  Gold  ", "Gold"),
        ("number", "42", 42),
        ("number", "3.0", 3),
        ("number", 3.5, 3.5),
        ("number", " -7.25 ", -7.25),
        ("date", "2026-02-28", "2026-02-28"),
        ("checkbox", True, True),
        ("checkbox", "on", True),
        ("checkbox", "false", False),
        ("dropdown", "Gold", "Gold"),
        ("text", "", None),
        ("number", None, None),
        ("date", "   ", None),
    ],
)
def test_values_are_stored_by_kind(kind, raw, stored):
    value = coerce_value(_field(kind, ["Gold", "Silver"]), raw)
    assert value == stored
    assert type(value) is type(stored)


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("number", "abc", "Plan: enter a number, such as 42 or 3.5."),
        ("number", "nan", "Plan: enter a number, such as 42 or 3.5."),
        ("number", "1e400", "Plan: enter a number, such as 42 or 3.5."),
        ("number", True, "Plan: enter a number, such as 42 or 3.5."),
        ("date", "28/02/2026", "Plan: enter a date as YYYY-MM-DD."),
        ("date", "2026-02-30", "Plan: enter a date as YYYY-MM-DD."),
        ("checkbox", "maybe", "Plan: the value must be true or false."),
        ("dropdown", "Bronze", "Plan: choose one of the listed values."),
        ("text", 12, "Plan: the value must be text."),
        ("text", "x" * 2001, "Plan: at most 2000 characters."),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(kind, raw, message):
    with pytest.raises(DomainError) as caught:
        coerce_value(_field(kind, ["Gold"]), raw)
    assert str(caught.value.message) == message


def test_create_a_dropdown_field(account, owner):
    field = create_custom_field(
        account=account, applies_to="ticket", key="plan", label=" Plan ", kind="dropdown",
        choices="Gold\n Silver \n\nGold", actor=Actor(user=owner),
    )  # fmt: skip
    assert (field.key, field.label, field.kind, field.applies_to, field.choices) == (
        "plan", "Plan", "dropdown", "ticket", ["Gold", "Silver"],
    )  # fmt: skip
    entry = AuditEntry.objects.get(account=account, action="custom_field.created")
    assert (entry.actor_user_id, entry.subject_id) == (owner.pk, field.public_id)
    assert entry.data == {"key": "plan", "applies_to": "ticket", "kind": "dropdown", "label": "Plan",
                          "choices": ["Gold", "Silver"]}  # fmt: skip


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"key": "Plan!"}, "The key starts with a letter and has only lower-case letters, digits and _ (at most 64)."),
        ({"key": "1plan"}, "The key starts with a letter and has only lower-case letters, digits and _ (at most 64)."),
        ({"label": "  "}, "A field needs a label."),
        ({"kind": "colour"}, "Choose one of the listed types."),
        ({"kind": "dropdown", "choices": ""}, "A dropdown needs at least one choice."),
        ({"applies_to": "company"}, "A field applies to tickets or to contacts."),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_created(account, values, message):
    fields = {"applies_to": "ticket", "key": "plan", "label": "Plan", "kind": "text", **values}
    with pytest.raises(DomainError) as caught:
        create_custom_field(account=account, **fields)
    assert str(caught.value.message) == message
    assert not CustomField.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(account=account, action="custom_field.created").exists()


def test_a_key_is_unique_per_record_kind(account, other_account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    with pytest.raises(Conflict):
        create_custom_field(account=account, applies_to="ticket", key="plan", label="Other", kind="number")
    create_custom_field(account=account, applies_to="contact", key="plan", label="Plan", kind="text")
    create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    assert CustomField.objects.filter(account=account).count() == 2


def test_update_changes_label_and_choices_but_not_key_or_type(account, owner):
    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="dropdown",
                                choices=["Gold"])  # fmt: skip
    update_custom_field(field=field, label="Support plan", choices=["Gold", "Silver"], actor=Actor(user=owner))
    field.refresh_from_db()
    assert (field.key, field.kind, field.label) == ("plan", "dropdown", "Support plan")
    assert field.choices == ["Gold", "Silver"]
    entry = AuditEntry.objects.get(account=account, action="custom_field.updated")
    assert entry.data == {"label": ["Plan", "Support plan"], "choices": ["['Gold']", "['Gold', 'Silver']"]}
    update_custom_field(field=field, label="Support plan")  # no change: no audit row
    assert AuditEntry.objects.filter(account=account, action="custom_field.updated").count() == 1
    with pytest.raises(DomainError):
        update_custom_field(field=field, choices=[" "])
    field.refresh_from_db()
    assert field.choices == ["Gold", "Silver"]


def test_delete_removes_the_values_too(account, ticket):
    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    set_custom_field(ticket=ticket, field=field, value="Gold")
    delete_custom_field(field=field)
    assert not CustomField.objects.filter(account=account).exists()
    assert not CustomFieldValue.objects.filter(account=account).exists()
    entry = AuditEntry.objects.get(account=account, action="custom_field.deleted")
    assert entry.data == {"key": "plan", "applies_to": "ticket", "values": 1}


def test_set_ticket_fields_sets_and_clears(account, ticket, owner):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    set_ticket_fields(ticket=ticket, values={"plan": "Gold", "seats": "12"}, actor=Actor(user=owner))
    assert values_by_key(ticket=ticket) == {"plan": "Gold", "seats": 12}
    set_ticket_fields(ticket=ticket, values={"plan": "", "seats": 12})
    assert values_by_key(ticket=ticket) == {"seats": 12}
    rows = AuditEntry.objects.filter(account=account, action="ticket.custom_field_set").order_by("id")
    # the second call cleared plan and left seats (the same value) alone
    assert list(rows.values_list("data", flat=True)) == [
        {"field": "plan", "value": "Gold"}, {"field": "seats", "value": 12}, {"field": "plan", "value": None},
    ]  # fmt: skip


def test_one_bad_value_sets_nothing(account, ticket):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    with pytest.raises(FieldValueError) as caught:
        set_ticket_fields(ticket=ticket, values={"plan": "Gold", "seats": "many"})
    assert (caught.value.key, str(caught.value.message)) == ("seats", "Seats: enter a number, such as 42 or 3.5.")
    with pytest.raises(FieldValueError) as caught:
        set_ticket_fields(ticket=ticket, values={"plan": "Gold", "nope": "x"})
    assert caught.value.key == "nope"
    assert values_by_key(ticket=ticket) == {}


def test_contact_fields_are_apart_from_ticket_fields(account, ticket, other_account):
    create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="dropdown",
                        choices=["VIP", "Regular"])  # fmt: skip
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    foreign = create_custom_field(account=other_account, applies_to="ticket", key="x", label="X", kind="text")
    set_contact_fields(contact=ticket.contact, values={"tier": "VIP"})
    assert values_by_key(contact=ticket.contact) == {"tier": "VIP"}
    assert AuditEntry.objects.get(account=account, action="contact.custom_fields_set").data == {"tier": [None, "VIP"]}
    with pytest.raises(FieldValueError):
        set_contact_fields(contact=ticket.contact, values={"plan": "Gold"})  # a ticket field
    with pytest.raises(FieldValueError):
        set_ticket_fields(ticket=ticket, values={"tier": "VIP"})  # a contact field
    with pytest.raises(DomainError):
        set_custom_field(ticket=ticket, field=foreign, value="x")  # another account's field
    assert values_by_key(ticket=ticket) == {}
    assert not CustomFieldValue.objects.filter(account=other_account).exists()


def test_definition_changes_publish_typed_events(account, monkeypatch, django_capture_on_commit_callbacks):
    from helpline.events import bus

    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append((event.name, event.change)))
    with django_capture_on_commit_callbacks(execute=True):
        field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
        update_custom_field(field=field, label="Plan 2")
        delete_custom_field(field=field)
    assert seen == [
        ("custom_field.definition_changed", "created"),
        ("custom_field.definition_changed", "updated"),
        ("custom_field.definition_changed", "deleted"),
    ]
