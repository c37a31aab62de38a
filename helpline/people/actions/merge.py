"""Merge a duplicate contact into the one that stays (the survivor).

Everything that points at the duplicate moves to the survivor: identities (so mail from the duplicate's
address reaches the survivor from now on), tickets, participations, messages, notes, group memberships,
custom field values, chat sessions… The relations are found from the model graph, so a relation added
later moves too. Where the survivor already has the same row (a unique constraint would clash, e.g. both
take part in one ticket or both have a value for one custom field), the survivor's row is kept. The
duplicate is then deleted.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events.types import ContactsMerged
from helpline.people.models import Contact
from helpline.security import audit


def _links_to_contact():
    """(model, field name, [other fields of each unique set containing the field]) for every FK to Contact,
    hidden ones included (related_name="+" and the rows of many-to-many tables)."""
    for rel in Contact._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel.related_model, rel.field.name, _unique_partners(rel.related_model, rel.field.name)


def _unique_partners(model, name: str) -> list[list[str]]:
    sets = [list(fields) for fields in model._meta.unique_together]
    sets += [list(c.fields) for c in model._meta.constraints if isinstance(c, UniqueConstraint) and c.fields]
    return [[model._meta.get_field(f).attname for f in fields if f != name] for fields in sets if name in fields]


@transaction.atomic
def merge_contacts(*, survivor: Contact, duplicate: Contact, actor: Actor = SYSTEM) -> Contact:
    if survivor.account_id != duplicate.account_id:
        raise DomainError(_("Only contacts of the same account can be merged."))
    if survivor.pk == duplicate.pk:
        raise DomainError(_("A contact cannot be merged into itself."))
    if survivor.agent_id or duplicate.agent_id:
        raise DomainError(_("The requester of internal tickets stands for an agent and cannot be merged."))
    # Lock both rows in a fixed order so two merges of the same pair cannot interleave.
    locked = {c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=sorted([survivor.pk, duplicate.pk]))}
    if len(locked) != 2:
        raise DomainError(_("One of the contacts no longer exists."))
    moved: dict[str, int] = {}
    for model, name, partner_sets in _links_to_contact():
        rows = model._base_manager.filter(**{name: duplicate})
        for partners in partner_sets:
            if not partners:
                continue
            kept = set(model._base_manager.filter(**{name: survivor}).values_list(*partners))
            clashing = [row[0] for row in rows.values_list("pk", *partners) if tuple(row[1:]) in kept]
            if clashing:
                model._base_manager.filter(pk__in=clashing).delete()
        count = rows.update(**{name: survivor})
        if count:
            moved[model._meta.label_lower] = moved.get(model._meta.label_lower, 0) + count
    filled = audit.apply_changes(
        survivor,
        {
            "name": survivor.name or duplicate.name,
            "primary_email": survivor.primary_email or duplicate.primary_email,
            "company": survivor.company if survivor.company_id else duplicate.company,
        },
    )
    survivor.save()
    audit.record(
        account=survivor.account, actor=actor, action=ContactsMerged.name, subject=survivor,
        data={"merged": duplicate.public_id, "merged_name": duplicate.display_name, "moved": moved, **filled},
    )  # fmt: skip
    event = ContactsMerged(
        account_id=survivor.account_id, actor_user_id=actor.user_id, contact_id=survivor.pk,
        merged_contact_id=duplicate.pk,
    )  # fmt: skip
    duplicate.delete()
    publish_on_commit(event)
    return survivor
