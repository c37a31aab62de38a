"""Proactive invitation rules, decided on the server at each page view.

The server knows what the host page cannot tell reliably (the visit's page count, the visitor's visit count, where
the visit came from), so it checks those conditions and answers the widget with the rules that hold, each with the
time on page still to wait. The widget only counts down the visible time and shows the bubble. Rules, their
patterns and their thresholds never leave the server."""

from __future__ import annotations

import fnmatch
from urllib.parse import urlsplit

from helpline.channels.chat.monitoring.models import InvitationRule


def url_matches(pattern: str, url: str) -> bool:
    """A glob (``*`` any run of characters, ``?`` one): a pattern starting with ``/`` is matched against the
    page's path and query, any other against the whole address. Blank matches every page. Case-sensitive, like
    paths."""
    pattern = (pattern or "").strip()
    if not pattern:
        return True
    if pattern.startswith("/"):
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        target = url
    return fnmatch.fnmatchcase(target, pattern)


def rule_matches(rule: InvitationRule, *, url: str, referrer: str, page_views: int, visits: int) -> bool:
    """Every condition but the time on page (which the widget waits for)."""
    if not url_matches(rule.url_pattern, url):
        return False
    if page_views < rule.min_page_views or visits < rule.min_visits:
        return False
    needle = rule.referrer_contains.strip().lower()
    return not needle or needle in (referrer or "").lower()


def invitations_due(rules, *, url: str, referrer: str, page_views: int, visits: int) -> list[dict]:
    """What the widget is told: ``{rule, message, after}`` for every matching rule, soonest first."""
    due = [
        {"rule": rule.public_id, "message": rule.message, "after": rule.min_seconds_on_page}
        for rule in rules
        if rule_matches(rule, url=url, referrer=referrer, page_views=page_views, visits=visits)
    ]
    return sorted(due, key=lambda item: item["after"])
