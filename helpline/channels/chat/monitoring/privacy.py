"""The account's visitor-privacy settings and what they do to what the widget reports."""

from __future__ import annotations

import ipaddress

from helpline.channels.chat.monitoring.models import TrackingSettings


def tracking_settings(account) -> TrackingSettings:
    """The account's settings; an account that never saved them gets the defaults (unsaved)."""
    return TrackingSettings.objects.filter(account=account).first() or TrackingSettings(account=account)


def anonymise_ip(value: str) -> str:
    """The network, not the host: IPv4 loses its last octet, IPv6 its last 80 bits. Garbage in, "" out."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return ""
    if address.version == 4:
        return str(ipaddress.ip_network(f"{address}/24", strict=False).network_address)
    if address.ipv4_mapped is not None:
        return anonymise_ip(str(address.ipv4_mapped))
    return str(ipaddress.ip_network(f"{address}/48", strict=False).network_address)


def stored_ip(value: str, settings: TrackingSettings) -> str | None:
    """The address to store for a visit: anonymised when the account asks, None when it is not an address."""
    if settings.anonymise_ips:
        return anonymise_ip(value) or None
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def loader_config(account) -> dict:
    """What the widget's loader needs to know before it reports anything from the host page."""
    settings = tracking_settings(account)
    return {"tracking": settings.page_tracking, "honourDnt": settings.honour_dnt}
