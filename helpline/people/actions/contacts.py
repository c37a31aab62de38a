"""Contacts: create, find by identity, update."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from helpline.core.actors import SYSTEM, Actor
from helpline.events import publish_on_commit
from helpline.events.types import ContactChanged, ContactCreated
from helpline.people.models import Contact, ContactIdentity
from helpline.security import audit


def _normalise(kind: str, value: str) -> str:
    value = value.strip()
    return value.lower() if kind == ContactIdentity.EMAIL else value


@transaction.atomic
def create_contact(*, account, name: str = "", email: str = "", actor: Actor = SYSTEM) -> Contact:
    email = _normalise(ContactIdentity.EMAIL, email) if email else ""
    contact = Contact.objects.create(account=account, name=name.strip(), primary_email=email)
    if email:
        ContactIdentity.objects.create(account=account, contact=contact, kind=ContactIdentity.EMAIL, value=email)
    audit.record(account=account, actor=actor, action=ContactCreated.name, subject=contact, data={"email": email})
    publish_on_commit(ContactCreated(account_id=account.pk, actor_user_id=actor.user_id, contact_id=contact.pk))
    return contact


def find_or_create_contact(
    *, account, kind: str, value: str, name: str = "", actor: Actor = SYSTEM
) -> tuple[Contact, bool]:
    """The contact owning this identity in this account; created (with the identity) when new."""
    value = _normalise(kind, value)
    identity = ContactIdentity.objects.select_related("contact").filter(account=account, kind=kind, value=value).first()
    if identity:
        return identity.contact, False
    try:
        with transaction.atomic():
            if kind == ContactIdentity.EMAIL:
                return create_contact(account=account, name=name, email=value, actor=actor), True
            contact = create_contact(account=account, name=name, actor=actor)
            ContactIdentity.objects.create(account=account, contact=contact, kind=kind, value=value)
            return contact, True
    except IntegrityError:  # created concurrently by another worker
        identity = ContactIdentity.objects.select_related("contact").get(account=account, kind=kind, value=value)
        return identity.contact, False


@transaction.atomic
def update_contact(*, contact: Contact, name: str | None = None, actor: Actor = SYSTEM) -> Contact:
    changes = {}
    if name is not None and name.strip() != contact.name:
        changes["name"] = [contact.name, name.strip()]
        contact.name = name.strip()
    if changes:
        contact.save(update_fields=["name", "updated_at"])
        audit.record(account=contact.account, actor=actor, action=ContactChanged.name, subject=contact, data=changes)
        publish_on_commit(
            ContactChanged(account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk)
        )
    return contact
