"""Write audit rows inside the action's transaction, so a change and its record commit together."""

from __future__ import annotations

from helpline.core.actors import Actor
from helpline.core.rows import insert_rows
from helpline.security.models import AuditEntry


def entry(*, account, actor: Actor, action: str, subject, data: dict | None = None) -> AuditEntry:
    """The row ``record`` writes, not saved yet: for ``record_all``."""
    if actor.rule is not None:  # an event rule acted: say which (AuditEntry has no column for it yet)
        data = {**(data or {}), "rule": actor.rule.public_id, "rule_name": actor.rule.name}
    return AuditEntry(
        account=account,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=subject.public_id,
        data=data or {},
    )


def record(*, account, actor: Actor, action: str, subject, data: dict | None = None) -> AuditEntry:
    row = entry(account=account, actor=actor, action=action, subject=subject, data=data)
    row.save(force_insert=True)
    return row


def record_all(entries: list[AuditEntry]) -> None:
    """Rows made by ``entry`` (a batch: each participant added, each message of a chat group), in one insert
    (the hot paths' insert: no ids read back)."""
    insert_rows(entries)


def apply_changes(instance, values: dict) -> dict[str, list[str]]:
    """Set the values that differ on ``instance`` (not saved) and return them for an audit row:
    {field: [before, after]}, related objects named by their public id."""
    changed = {}
    for key, value in values.items():
        before = getattr(instance, key)
        if before != value:
            changed[key] = [str(getattr(before, "public_id", before)), str(getattr(value, "public_id", value))]
            setattr(instance, key, value)
    return changed
