"""Private notes of the team on a contact. Agents only: no customer-facing surface ever shows them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events.types import ContactNoteAdded, ContactNoteDeleted
from helpline.people.models import Contact, ContactNote
from helpline.security import audit

MAX_NOTE = 10_000


@transaction.atomic
def add_contact_note(*, contact: Contact, body: str, actor: Actor) -> ContactNote:
    body = body.strip()
    if not body:
        raise DomainError(_("Write something in the note."))
    if len(body) > MAX_NOTE:
        raise DomainError(_("A note can have at most %(n)d characters.") % {"n": MAX_NOTE})
    note = ContactNote.objects.create(account_id=contact.account_id, contact=contact, author=actor.user, body=body)
    audit.record(
        account=contact.account, actor=actor, action=ContactNoteAdded.name, subject=contact,
        data={"note": note.public_id},
    )  # fmt: skip
    publish_on_commit(
        ContactNoteAdded(
            account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk, note_id=note.pk
        )
    )
    return note


@transaction.atomic
def delete_contact_note(*, note: ContactNote, actor: Actor) -> None:
    contact = note.contact
    audit.record(
        account=contact.account, actor=actor, action=ContactNoteDeleted.name, subject=contact,
        data={"note": note.public_id, "body": note.body[:200]},
    )  # fmt: skip
    event = ContactNoteDeleted(
        account_id=contact.account_id, actor_user_id=actor.user_id, contact_id=contact.pk, note_id=note.pk
    )
    note.delete()
    publish_on_commit(event)
