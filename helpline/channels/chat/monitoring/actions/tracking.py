"""Page views the widget reports: visits, their pages, the time on each page and which sockets are on the site.

High-volume telemetry, not a change an agent makes: no audit rows. Everything a host page sends is bounded and
validated here; bad input is a DomainError (the socket answers with it), never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from helpline.channels.chat import limits
from helpline.channels.chat.monitoring.models import MAX_TITLE, MAX_URL, PageView, Visit
from helpline.channels.chat.monitoring.privacy import stored_ip, tracking_settings
from helpline.channels.chat.monitoring.useragent import MAX_USER_AGENT, parse_user_agent
from helpline.core import clock
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events.types import VisitorLeft, VisitorPageViewed

VISIT_GAP = timedelta(minutes=30)  # a page view after a longer pause starts a new visit
PAGE_VIEWS_PER_MINUTE = limits.LIMITS["page"][0].count  # per visitor: more is a script, not a person
MAX_SECONDS_ON_PAGE = 24 * 3600


class TooManyPageViews(limits.RateLimited):
    pass


@dataclass(frozen=True)
class PageReport:
    url: str
    title: str
    referrer: str


def _web_address(value) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


def clean_page_report(data: dict) -> PageReport:
    """The page a host reports: an http(s) address of at most 2,000 characters; the title is cut to 300
    characters and a referrer that is no web address is dropped."""
    url = _web_address(data.get("url"))
    if not url:
        raise DomainError(
            _("Report the page as an http or https address of at most %(n)d characters.") % {"n": MAX_URL}
        )
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return PageReport(url=url, title=" ".join(title.split())[:MAX_TITLE], referrer=_web_address(data.get("referrer")))


def tracking_refused(account, *, do_not_track: bool) -> bool:
    """Does the account's privacy setting forbid storing this visitor's pages?"""
    settings = tracking_settings(account)
    return not settings.page_tracking or (settings.honour_dnt and do_not_track)


def _current_visit(*, button, visitor_id: str, now, ip: str, user_agent: str) -> Visit:
    account = button.account
    latest = (
        Visit.objects.select_for_update().filter(account=account, visitor_id=visitor_id).order_by("-number").first()
    )
    if latest is not None and latest.last_seen_at >= now - VISIT_GAP:
        return latest
    client = parse_user_agent(user_agent)
    try:
        with transaction.atomic():
            return Visit.objects.create(
                account=account,
                button=button,
                visitor_id=visitor_id,
                number=(latest.number + 1) if latest else 1,
                started_at=now,
                last_seen_at=now,
                ip=stored_ip(ip, tracking_settings(account)),
                user_agent=(user_agent or "")[:MAX_USER_AGENT],
                device=client.device,
                browser=client.browser,
                os=client.os,
            )
    except IntegrityError:  # another tab of the same visitor started it a moment ago
        return Visit.objects.select_for_update().filter(account=account, visitor_id=visitor_id).order_by("-number")[0]


@transaction.atomic
def record_page_view(
    *,
    button,
    visitor_id: str,
    report: PageReport,
    ip: str = "",
    user_agent: str = "",
    do_not_track: bool = False,
    connected_visit_id: int | None = None,
    resume_view: str = "",
) -> PageView | None:
    """Store one page view in the visitor's current visit (a new visit after 30 minutes away). None when the
    account's privacy settings forbid it. ``connected_visit_id`` is the visit the reporting socket counts for
    already: a socket counts for one visit, the one of its latest page. ``resume_view``: a widget that reconnected
    names the page view it reported before; when that view is in the current visit, nothing new is stored and the
    socket counts for the visit again."""
    account = button.account
    if tracking_refused(account, do_not_track=do_not_track):
        return None
    try:
        limits.check("page", account_id=account.pk, visitor_id=visitor_id, ip=ip)
    except limits.RateLimited as exc:
        raise TooManyPageViews(exc.retry_after, _("Too many page views; slow down.")) from None
    now = clock.now()
    visit = _current_visit(button=button, visitor_id=visitor_id, now=now, ip=ip, user_agent=user_agent)
    resumed = PageView.objects.filter(visit=visit, public_id=resume_view).first() if resume_view else None
    if resumed is not None:
        changes = {"last_seen_at": now}
        if connected_visit_id != visit.pk:
            changes["connections"] = F("connections") + 1
        Visit.objects.filter(pk=visit.pk).update(**changes)
        visit.refresh_from_db()
        resumed.visit = visit
        if visit.connections == 1 and connected_visit_id != visit.pk:  # back on the list
            publish_on_commit(VisitorPageViewed(account_id=account.pk, visit_id=visit.pk, page_view_id=resumed.pk))
        return resumed
    previous = PageView.objects.filter(visit=visit, seconds_on_page__isnull=True).order_by("-id").first()
    if previous is not None:  # the widget's own report, if it comes, replaces this estimate
        previous.seconds_on_page = min(int((now - previous.viewed_at).total_seconds()), MAX_SECONDS_ON_PAGE)
        previous.save(update_fields=["seconds_on_page"])
    view = PageView.objects.create(
        account=account, visit=visit, url=report.url, title=report.title, referrer=report.referrer, viewed_at=now
    )
    changes = {
        "page_views": F("page_views") + 1,
        "current_url": report.url,
        "current_title": report.title,
        "last_seen_at": now,
    }
    if visit.page_views == 0:
        changes["referrer"] = report.referrer
    if connected_visit_id != visit.pk:
        changes["connections"] = F("connections") + 1
        if connected_visit_id is not None:
            disconnect_visit(visit_id=connected_visit_id)
    Visit.objects.filter(pk=visit.pk).update(**changes)
    visit.refresh_from_db()
    view.visit = visit
    publish_on_commit(VisitorPageViewed(account_id=account.pk, visit_id=visit.pk, page_view_id=view.pk))
    return view


def record_time_on_page(*, account, visitor_id: str, view: str, seconds) -> bool:
    """The widget's measure of the visible time on a page (sent when the page is hidden or left)."""
    if not isinstance(view, str) or not 0 < len(view) <= 16:
        return False
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not seconds >= 0:
        return False
    updated = PageView.objects.filter(account=account, visit__visitor_id=visitor_id, public_id=view).update(
        seconds_on_page=min(int(seconds), MAX_SECONDS_ON_PAGE)
    )
    return updated == 1


def touch_visit(*, visit_id: int) -> None:
    """A socket on the site is still alive (its keep-alive ping)."""
    Visit.objects.filter(pk=visit_id).update(last_seen_at=clock.now())


@transaction.atomic
def disconnect_visit(*, visit_id: int) -> None:
    """A socket of the visit closed; when it was the last one, the visitor has left the site."""
    visit = Visit.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None or visit.connections == 0:
        return
    visit.connections -= 1
    visit.last_seen_at = clock.now()
    visit.save(update_fields=["connections", "last_seen_at"])
    if visit.connections == 0:
        publish_on_commit(VisitorLeft(account_id=visit.account_id, visit_id=visit.pk))
