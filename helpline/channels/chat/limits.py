"""Rate limits of the public widget: how often one visitor, and one IP address, may start chats, send lines,
upload files, report pages, send the offline form and the leave beacon, per chat button's account.

Checked at the edge (the widget's views and its socket) before anything is stored. Over the limit the request is
refused with ``RateLimited`` (HTTP 429 with ``Retry-After``; on the socket an ``error`` frame with code
``rate_limited``). The per-IP limits are well above the per-visitor ones: many visitors can share one address
(an office, a mobile carrier)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.security.rate_limits import Limit, hit, ip_key

# action: (per visitor, per IP address)
LIMITS: dict[str, tuple[Limit, Limit]] = {
    "start": (Limit(5, 600), Limit(30, 600)),  # starting chats
    "offline": (Limit(5, 3600), Limit(30, 3600)),  # the offline contact form
    "line": (Limit(30, 60), Limit(300, 60)),  # chat lines (messages and files)
    "upload": (Limit(10, 600), Limit(60, 600)),  # files, on top of "line"
    "page": (Limit(30, 60), Limit(300, 60)),  # page views (visitor monitoring)
    "beacon": (Limit(60, 60), Limit(600, 60)),  # the time-on-page beacon
}


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, message=None):
        super().__init__(
            message or _("Too many requests. Please wait %(seconds)d seconds and try again.") % {"seconds": retry_after}
        )
        self.retry_after = retry_after


def check(action: str, *, account_id: int, visitor_id: str = "", ip: str = "") -> None:
    """Count one ``action`` of this visitor and address; raise RateLimited when either is over its limit."""
    if not settings.WIDGET_RATE_LIMITS:  # HELPLINE_WIDGET_RATE_LIMITS=0: a load test from one address
        return
    per_visitor, per_ip = LIMITS[action]
    checks = [(f"{account_id}:ip:{ip_key(ip)}", per_ip)]
    if visitor_id:
        checks.append((f"{account_id}:visitor:{visitor_id}", per_visitor))
    retry_after = hit(f"widget-{action}", checks)
    if retry_after:
        raise RateLimited(retry_after)
