"""Saved filters: save the inbox's current filter under a name, change it, delete it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events.types import SavedFilterChanged
from helpline.filters.models import SavedFilter
from helpline.filters.params import active_values, filter_values, parse_filter
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit
from helpline.tenancy.selectors import forget_account_lists

MAX_NAME = 100


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A filter needs a name."))
    if len(name) > MAX_NAME:
        raise DomainError(_("A filter name is at most %(max)d characters long.") % {"max": MAX_NAME})
    return name


def _clean_query(account, owner, values: dict) -> dict:
    """The filters in use, checked like the inbox checks them (raises FilterError)."""
    query = active_values(filter_values(values))
    if not query:
        raise DomainError(_("Choose at least one filter before saving it."))
    parse_filter(query, account=account, user=owner)
    return query


def _published(saved: SavedFilter, change: str, actor: Actor) -> None:
    forget_account_lists(saved.account_id)
    publish_on_commit(
        SavedFilterChanged(
            account_id=saved.account_id,
            actor_user_id=actor.user_id,
            filter_id=saved.pk,
            owner_user_id=saved.owner_id,
            change=change,
        )
    )


@transaction.atomic
def save_filter(*, account, owner, name: str, values: dict, shared: bool = False, actor: Actor = SYSTEM):
    """A new saved filter of ``owner``; each agent may keep the plan's ``ticket_filters_per_agent`` of them."""
    name = _clean_name(name)
    query = _clean_query(account, owner, values)
    ensure_within_limit(
        account, "ticket_filters_per_agent", current=SavedFilter.objects.filter(account=account, owner=owner).count()
    )
    taken = _("You have a filter named %(name)s already.") % {"name": name}
    if SavedFilter.objects.filter(account=account, owner=owner, name=name).exists():
        raise Conflict(taken)
    try:
        with transaction.atomic():
            saved = SavedFilter.objects.create(account=account, owner=owner, name=name, query=query, shared=shared)
    except IntegrityError as exc:
        raise Conflict(taken) from exc
    audit.record(
        account=account,
        actor=actor,
        action="ticket_filter.created",
        subject=saved,
        data={"name": name, "shared": shared, "query": query},
    )
    _published(saved, "created", actor)
    return saved


@transaction.atomic
def update_filter(
    *, saved: SavedFilter, name: str | None = None, shared: bool | None = None, values: dict | None = None,
    actor: Actor = SYSTEM,
) -> SavedFilter:  # fmt: skip
    changes = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if shared is not None:
        changes["shared"] = bool(shared)
    if values is not None:
        changes["query"] = _clean_query(saved.account, saved.owner, values)
    if changes.get("name", saved.name) != saved.name and (
        SavedFilter.objects.filter(account_id=saved.account_id, owner_id=saved.owner_id, name=changes["name"])
        .exclude(pk=saved.pk)
        .exists()
    ):
        raise Conflict(_("You have a filter named %(name)s already.") % {"name": changes["name"]})
    before = {key: getattr(saved, key) for key in changes}
    changed = {key: [before[key], value] for key, value in changes.items() if before[key] != value}
    if changed:
        for key, (_before, value) in changed.items():
            setattr(saved, key, value)
        saved.save(update_fields=[*changed, "updated_at"])
        audit.record(account=saved.account, actor=actor, action="ticket_filter.updated", subject=saved, data=changed)
        _published(saved, "updated", actor)
    return saved


@transaction.atomic
def delete_filter(*, saved: SavedFilter, actor: Actor = SYSTEM) -> None:
    audit.record(
        account=saved.account,
        actor=actor,
        action="ticket_filter.deleted",
        subject=saved,
        data={"name": saved.name, "shared": saved.shared},
    )
    _published(saved, "deleted", actor)
    saved.delete()
