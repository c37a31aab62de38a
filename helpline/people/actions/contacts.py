"""Contacts: create, find by identity, update."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError, NotFound
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


UNCHANGED = object()


@transaction.atomic
def update_contact(
    *, contact: Contact, name: str | None = None, company=UNCHANGED, email: str | None = None, actor: Actor = SYSTEM
) -> Contact:
    """Change the name, the company (a Company of the account, or None) and the primary email address.

    A new address becomes one of the contact's email identities; an address of another contact is a Conflict
    (merge the two instead)."""
    values = {}
    if name is not None:
        values["name"] = name.strip()
    if company is not UNCHANGED:
        if company is not None and company.account_id != contact.account_id:
            raise NotFound(_("No such company."))
        values["company"] = company
    if email is not None:
        email = _normalise(ContactIdentity.EMAIL, email)
        if email:
            owner = (
                ContactIdentity.objects.filter(account_id=contact.account_id, kind=ContactIdentity.EMAIL, value=email)
                .values_list("contact_id", flat=True)
                .first()
            )
            if owner is not None and owner != contact.pk:
                raise Conflict(_("Another contact has this email address; merge the two contacts instead."))
            if owner is None:
                ContactIdentity.objects.create(
                    account_id=contact.account_id, contact=contact, kind=ContactIdentity.EMAIL, value=email
                )
        values["primary_email"] = email
    changes = audit.apply_changes(contact, values)
    if changes:
        contact.save(update_fields=[*changes, "updated_at"])
        audit.record(account=contact.account, actor=actor, action=ContactChanged.name, subject=contact, data=changes)
        publish_on_commit(
            ContactChanged(account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk)
        )
    return contact


def contact_for_agent(*, account, user) -> Contact:
    """The contact standing for an agent as the requester of the internal tickets they open. It has no email
    address or other identity, so nothing can ever be sent to it."""
    contact = Contact.objects.filter(account=account, agent=user).first()
    if contact is None:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(account=account, agent=user, name=user.display_name)
        except IntegrityError:  # created concurrently
            contact = Contact.objects.get(account=account, agent=user)
    elif contact.name != user.display_name:
        contact.name = user.display_name
        contact.save(update_fields=["name", "updated_at"])
    return contact


ADDABLE_KINDS = (ContactIdentity.EMAIL, ContactIdentity.PHONE)


@transaction.atomic
def add_identity(*, contact: Contact, kind: str, value: str, actor: Actor = SYSTEM) -> ContactIdentity:
    """Another email address or phone number of the contact. One that another contact has is a Conflict."""
    if kind not in ADDABLE_KINDS:
        raise DomainError(_("Add an email address or a phone number."))
    value = _normalise(kind, value)
    if kind == ContactIdentity.EMAIL:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid email address.")) from exc
    elif not value or len(value) > 64:
        raise DomainError(_("Enter a phone number of at most 64 characters."))
    existing = ContactIdentity.objects.filter(account_id=contact.account_id, kind=kind, value=value).first()
    if existing is not None:
        if existing.contact_id == contact.pk:
            return existing
        raise Conflict(_("Another contact has this address or number; merge the two contacts instead."))
    identity = ContactIdentity.objects.create(account_id=contact.account_id, contact=contact, kind=kind, value=value)
    if kind == ContactIdentity.EMAIL and not contact.primary_email:
        contact.primary_email = value
        contact.save(update_fields=["primary_email", "updated_at"])
    _identities_changed(contact, actor, {"added": [kind, value]})
    return identity


@transaction.atomic
def remove_identity(*, contact: Contact, kind: str, value: str, actor: Actor = SYSTEM) -> None:
    """Forget one of the contact's addresses or numbers; the primary email falls back to another address."""
    identity = ContactIdentity.objects.filter(contact=contact, kind=kind, value=value).first()
    if identity is None:
        raise NotFound(_("The contact has no such address or number."))
    identity.delete()
    if kind == ContactIdentity.EMAIL and contact.primary_email == value:
        other = contact.identities.filter(kind=ContactIdentity.EMAIL).order_by("pk").values_list("value", flat=True)
        contact.primary_email = other.first() or ""
        contact.save(update_fields=["primary_email", "updated_at"])
    _identities_changed(contact, actor, {"removed": [kind, value]})


def _identities_changed(contact: Contact, actor: Actor, data: dict) -> None:
    audit.record(account=contact.account, actor=actor, action=ContactChanged.name, subject=contact, data=data)
    publish_on_commit(ContactChanged(account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk))
