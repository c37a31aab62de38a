"""Write audit rows inside the action's transaction, so a change and its record commit together."""

from __future__ import annotations

from helpline.core.actors import Actor
from helpline.security.models import AuditEntry


def record(*, account, actor: Actor, action: str, subject, data: dict | None = None) -> AuditEntry:
    if actor.rule is not None:  # an event rule acted: say which (AuditEntry has no column for it yet)
        data = {**(data or {}), "rule": actor.rule.public_id, "rule_name": actor.rule.name}
    return AuditEntry.objects.create(
        account=account,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=subject.public_id,
        data=data or {},
    )


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
