"""API keys: shown once, stored as a SHA-256 hash, looked up by a short public prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.security.models import ApiKey
from helpline.tenancy.plans import ensure_within_limit

KEY_PREFIX = "hl_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_key(*, account, name: str, actor: Actor = SYSTEM) -> tuple[ApiKey, str]:
    """Returns the key row and the raw key, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the key a name, for example the integration that uses it."))
    ensure_within_limit(account, "api_keys")
    prefix = secrets.token_hex(5)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        account=account, name=name[:100], prefix=prefix, key_hash=_digest(raw), created_by=actor.user
    )
    audit.record(account=account, actor=actor, action="api_key.created", subject=key, data={"name": key.name})
    return key, raw


@transaction.atomic
def revoke_api_key(*, key: ApiKey, actor: Actor = SYSTEM) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
        audit.record(account=key.account, actor=actor, action="api_key.revoked", subject=key)
    return key


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The live key for this raw value, or None. Constant-time comparison of the hash."""
    if not raw or not raw.startswith(KEY_PREFIX) or raw.count("_") < 2:
        return None
    prefix = raw[len(KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.select_related("account").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw)):
        return None
    now = clock.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
