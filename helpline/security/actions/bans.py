"""Banning visitors from live chat, and lifting bans. Both are audited."""

from __future__ import annotations

import ipaddress
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.security.bans import parse_ip
from helpline.security.models import Ban

MAX_VISITOR_ID = 64


def normalise_ban(kind: str, value: str) -> str:
    """The canonical form of what is banned; DomainError when it is not a valid IP, network or visitor id."""
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Enter the IP address, network or visitor id to ban."))
    if kind == Ban.IP:
        address = parse_ip(value)
        if address is None:
            raise DomainError(_("%(value)s is not an IP address.") % {"value": value})
        return str(address)
    if kind == Ban.NETWORK:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise DomainError(
                _("%(value)s is not a network; write it like 203.0.113.0/24 or 2001:db8::/32.") % {"value": value}
            ) from exc
        if network.prefixlen == 0:
            raise DomainError(_("A ban cannot cover every address."))
        return str(network)
    if kind == Ban.VISITOR:
        if len(value) > MAX_VISITOR_ID:
            raise DomainError(_("That visitor id is too long."))
        return value
    raise DomainError(_("Choose what to ban: an IP address, a network or a visitor id."))


def guess_kind(value: str) -> str:
    """What the admin typed: a network when it has a slash, an IP when it parses, otherwise a visitor id."""
    value = (value or "").strip()
    if "/" in value:
        return Ban.NETWORK
    return Ban.IP if parse_ip(value) is not None else Ban.VISITOR


@transaction.atomic
def ban_visitor(
    *,
    account,
    kind: str,
    value: str,
    reason: str = "",
    expires_at: datetime | None = None,
    actor: Actor = SYSTEM,
) -> Ban:
    value = normalise_ban(kind, value)
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise DomainError(_("The ban would already have expired; choose a later time."))
    ban = Ban.objects.create(
        account=account,
        kind=kind,
        value=value,
        reason=(reason or "").strip()[:500],
        expires_at=expires_at,
        created_by=actor.user,
        created_at=now,
    )
    audit.record(
        account=account,
        actor=actor,
        action="visitor.banned",
        subject=ban,
        data={"kind": kind, "value": value, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return ban


@transaction.atomic
def lift_ban(*, ban: Ban, actor: Actor = SYSTEM) -> Ban:
    """Safe to call twice: a lifted ban stays lifted, with its first lifting recorded."""
    ban = Ban.objects.select_for_update().get(pk=ban.pk)
    if ban.lifted_at is None:
        ban.lifted_at = clock.now()
        ban.lifted_by = actor.user
        ban.save(update_fields=["lifted_at", "lifted_by"])
        audit.record(
            account=ban.account, actor=actor, action="visitor.ban_lifted", subject=ban, data={"value": ban.value}
        )
    return ban
