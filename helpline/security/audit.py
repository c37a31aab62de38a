"""Write audit rows inside the action's transaction, so a change and its record commit together."""

from __future__ import annotations

from helpline.core.actors import Actor
from helpline.security.models import AuditEntry


def record(*, account, actor: Actor, action: str, subject, data: dict | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        account=account,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=subject.public_id,
        data=data or {},
    )
