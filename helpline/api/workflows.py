"""API operations that combine several core actions; each runs in one transaction, so a request
either changes everything it asks for or nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.api import selectors
from helpline.api.errors import FieldError
from helpline.conversations import actions
from helpline.conversations.custom_fields import FieldValueError
from helpline.conversations.statuses import PRIORITY_BY_NAME
from helpline.core.actors import Actor
from helpline.core.errors import Conflict
from helpline.people.actions import create_contact, find_or_create_contact
from helpline.people.models import ContactIdentity


@transaction.atomic
def open_ticket(*, account, payload, actor: Actor):
    """A ticket from the API: its contact (found or created by email), the ticket, the first message."""
    department = selectors.department_for_field(account, "department", payload.department)
    contact, _created = find_or_create_contact(
        account=account, kind="email", value=payload.contact.email, name=payload.contact.name, actor=actor
    )
    ticket = actions.create_ticket(
        account=account, contact=contact, subject=payload.subject, channel="api", department=department,
        priority=PRIORITY_BY_NAME[payload.priority], tags=payload.tags, actor=actor,
    )  # fmt: skip
    actions.receive_message(ticket=ticket, contact=contact, kind="web", text=payload.message.body, actor=actor)
    if payload.custom_fields:
        set_fields(ticket=ticket, values=payload.custom_fields, actor=actor)
    return ticket


@transaction.atomic
def update_ticket(*, account, ticket, payload, actor: Actor):
    """Apply the fields present in a PATCH body. References are resolved before anything is written."""
    given = payload.model_fields_set
    department = selectors.department_for_field(account, "department", payload.department)
    assignee = selectors.agent_for_field(account, "assignee", payload.assignee)
    if "department" in given:
        ticket = actions.transfer_ticket(ticket=ticket, department=department, actor=actor)
    if "assignee" in given:
        ticket = actions.assign_ticket(ticket=ticket, assignee=assignee, actor=actor)
    if "status" in given:
        ticket = actions.change_status(ticket=ticket, status=payload.status, actor=actor)
    if "priority" in given:
        ticket = actions.change_priority(ticket=ticket, priority=PRIORITY_BY_NAME[payload.priority], actor=actor)
    if "tags" in given:
        ticket = actions.set_tags(ticket=ticket, names=payload.tags, actor=actor)
    if payload.custom_fields:
        set_fields(ticket=ticket, values=payload.custom_fields, actor=actor)
    return ticket


def set_fields(*, ticket, values: dict, actor: Actor) -> None:
    """A ticket's custom field values by key; a bad one is a 400 naming ``custom_fields.<key>``."""
    try:
        actions.set_ticket_fields(ticket=ticket, values=values, actor=actor)
    except FieldValueError as exc:
        raise FieldError(f"custom_fields.{exc.key}", exc.message) from exc


def set_contact_fields(*, contact, values: dict, actor: Actor) -> None:
    """A contact's custom field values by key; a bad one is a 400 naming ``custom_fields.<key>``."""
    try:
        actions.set_contact_fields(contact=contact, values=values, actor=actor)
    except FieldValueError as exc:
        raise FieldError(f"custom_fields.{exc.key}", exc.message) from exc


def add_contact(*, account, name: str, email: str | None, actor: Actor):
    """A new contact; an email address already known in the account is a 409."""
    taken = _("A contact with this email address exists already.")
    if email and ContactIdentity.objects.filter(account=account, kind=ContactIdentity.EMAIL, value=email).exists():
        raise Conflict(taken)
    try:
        with transaction.atomic():
            return create_contact(account=account, name=name, email=email or "", actor=actor)
    except IntegrityError as exc:  # the same address created concurrently
        raise Conflict(taken) from exc
