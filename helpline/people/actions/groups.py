"""Contact groups (segments): create, change name and rule, add and remove members by hand, delete."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events.types import ContactGroupChanged
from helpline.people.models import Contact, ContactGroup
from helpline.people.segments import clean_rule
from helpline.security import audit


def _clean_name(account, name: str, *, exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError(_("Give the group a name."))
    if len(name) > 100:
        raise DomainError(_("A group name can have at most 100 characters."))
    if ContactGroup.objects.filter(account=account, name__iexact=name).exclude(pk=exclude_pk).exists():
        raise Conflict(_("A group with this name exists already."))
    return name


def _changed(group: ContactGroup, actor: Actor, action: str, data: dict) -> None:
    audit.record(account=group.account, actor=actor, action=action, subject=group, data=data)
    publish_on_commit(ContactGroupChanged(account_id=group.account_id, actor_user_id=actor.user_id, group_id=group.pk))


@transaction.atomic
def create_group(
    *, account, name: str, description: str = "", rule: dict | None = None, actor: Actor = SYSTEM
) -> ContactGroup:
    group = ContactGroup.objects.create(
        account=account, name=_clean_name(account, name), description=description.strip()[:255], rule=clean_rule(rule)
    )
    _changed(group, actor, "contact_group.created", {"name": group.name, "rule": group.rule})
    return group


@transaction.atomic
def update_group(
    *, group: ContactGroup, name: str | None = None, description: str | None = None, rule=None, actor: Actor = SYSTEM
) -> ContactGroup:
    values = {}
    if name is not None:
        values["name"] = _clean_name(group.account, name, exclude_pk=group.pk)
    if description is not None:
        values["description"] = description.strip()[:255]
    if rule is not None:
        values["rule"] = clean_rule(rule)
    changes = audit.apply_changes(group, values)
    if changes:
        group.save(update_fields=list(changes))
        _changed(group, actor, "contact_group.changed", changes)
    return group


@transaction.atomic
def set_group_members(
    *, group: ContactGroup, add: list[Contact] = (), remove: list[Contact] = (), actor: Actor = SYSTEM
) -> ContactGroup:
    """Add and remove members by hand (members by rule follow the rule)."""
    if any(c.account_id != group.account_id for c in [*add, *remove]):
        raise DomainError(_("Only contacts of this account can join its groups."))
    current = set(group.contacts.filter(pk__in=[c.pk for c in [*add, *remove]]).values_list("pk", flat=True))
    added = [c for c in add if c.pk not in current]
    removed = [c for c in remove if c.pk in current]
    if added:
        group.contacts.add(*added)
    if removed:
        group.contacts.remove(*removed)
    if added or removed:
        _changed(
            group, actor, "contact_group.members_changed",
            {"added": [c.public_id for c in added], "removed": [c.public_id for c in removed]},
        )  # fmt: skip
    return group


@transaction.atomic
def delete_group(*, group: ContactGroup, actor: Actor = SYSTEM) -> None:
    _changed(group, actor, "contact_group.deleted", {"name": group.name})
    group.delete()
