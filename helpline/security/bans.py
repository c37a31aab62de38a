"""Reads of visitor bans: is this visitor banned, and the list admins review."""

from __future__ import annotations

import ipaddress

from django.db.models import Q

from helpline.core import clock
from helpline.security.models import Ban


def active_bans(account):
    now = clock.now()
    return Ban.objects.filter(account=account, lifted_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def parse_ip(value: str | None):
    """An IP address, or None when the value is not one. IPv4-mapped IPv6 addresses count as IPv4."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_banned(account, *, ip: str | None = None, visitor_id: str | None = None) -> bool:
    """True when an active ban matches the visitor's id, their IP address, or a network containing it."""
    bans = active_bans(account)
    if visitor_id and bans.filter(kind=Ban.VISITOR, value=visitor_id).exists():
        return True
    address = parse_ip(ip)
    if address is None:
        return False
    if bans.filter(kind=Ban.IP, value=str(address)).exists():
        return True
    for network in bans.filter(kind=Ban.NETWORK).values_list("value", flat=True):
        parsed = ipaddress.ip_network(network)
        if parsed.version == address.version and address in parsed:
            return True
    return False


def list_active_bans(account):
    """Newest first; the caller paginates."""
    return active_bans(account).select_related("created_by").order_by("-created_at", "-id")


def get_ban(account, public_id: str) -> Ban | None:
    return Ban.objects.filter(account=account, public_id=public_id).first()
