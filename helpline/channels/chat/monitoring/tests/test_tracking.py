"""Page views: what is stored, exactly; the privacy settings (tracking off, Do Not Track, anonymised IPs); bounded
input; the time on a page; the retention sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.channels.chat.monitoring import actions
from helpline.channels.chat.monitoring.models import Invitation, PageView, TrackingSettings, Visit
from helpline.channels.chat.monitoring.privacy import anonymise_ip
from helpline.channels.chat.monitoring.tests.conftest import T0, VISITOR, view
from helpline.channels.chat.monitoring.useragent import Client, parse_user_agent
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db


def _privacy(account, **values):
    defaults = {"page_tracking": True, "anonymise_ips": False, "honour_dnt": True, "retention_days": 30}
    return actions.update_tracking_settings(account=account, **{**defaults, **values})


def test_a_first_page_view_stores_the_visit_and_the_page_exactly(button, clock):
    recorded = view(button, title="  Pricing \n plans ", referrer="https://search.example/?q=desk")
    visit = Visit.objects.get()
    assert (visit.account_id, visit.button_id, visit.visitor_id, visit.number) == (
        button.account_id,
        button.pk,
        VISITOR,
        1,
    )
    assert (visit.started_at, visit.last_seen_at, visit.page_views, visit.connections) == (T0, T0, 1, 1)
    assert (visit.current_url, visit.current_title, visit.referrer) == (
        "https://shop.example/pricing",
        "Pricing plans",
        "https://search.example/?q=desk",
    )
    assert (visit.ip, visit.device, visit.browser, visit.os) == ("203.0.113.7", "desktop", "Firefox 128", "Linux")
    stored = PageView.objects.get()
    assert stored.pk == recorded.pk
    assert (stored.url, stored.title, stored.referrer, stored.viewed_at, stored.seconds_on_page) == (
        "https://shop.example/pricing",
        "Pricing plans",
        "https://search.example/?q=desk",
        T0,
        None,
    )


def test_the_next_page_joins_the_visit_and_a_long_pause_starts_the_next_visit(button, clock):
    first = view(button)
    clock.at = T0 + timedelta(seconds=42)
    second = view(
        button, "https://shop.example/checkout", connected_visit_id=first.visit_id, referrer="https://x.example/"
    )
    visit = Visit.objects.get()
    assert (visit.page_views, visit.connections, visit.current_url, visit.referrer) == (
        2,
        1,
        "https://shop.example/checkout",
        "",  # the visit's referrer is its first page's
    )
    assert PageView.objects.get(pk=first.pk).seconds_on_page == 42  # estimated until the widget says better
    clock.at = T0 + timedelta(seconds=42, minutes=31)
    third = view(button, "https://shop.example/", connected_visit_id=second.visit_id)
    assert third.visit.number == 2
    assert list(Visit.objects.order_by("number").values_list("number", "page_views", "connections")) == [
        (1, 2, 0),
        (2, 1, 1),
    ]


def test_a_reconnecting_widget_resumes_its_page_view_without_a_new_one(button, clock):
    first = view(button)
    actions.disconnect_visit(visit_id=first.visit_id)
    again = view(button, resume_view=first.public_id)
    assert again.pk == first.pk
    assert PageView.objects.count() == 1
    assert Visit.objects.values_list("page_views", "connections").get() == (1, 1)


def test_ips_are_anonymised_when_the_account_asks(button, clock):
    _privacy(button.account, anonymise_ips=True)
    view(button, ip="203.0.113.77")
    view(button, visitor="visitor-ipv6-0123456789", ip="2001:db8:85a3:1234:5678:8a2e:370:7334")
    assert sorted(Visit.objects.values_list("ip", flat=True)) == ["2001:db8:85a3::", "203.0.113.0"]


@pytest.mark.parametrize(
    ("address", "anonymised"),
    [
        ("198.51.100.255", "198.51.100.0"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::"),
        ("::ffff:192.0.2.9", "192.0.2.0"),
        ("not an ip", ""),
        ("", ""),
    ],
)
def test_anonymise_ip(address, anonymised):
    assert anonymise_ip(address) == anonymised


def test_with_tracking_off_nothing_is_stored(button, clock):
    _privacy(button.account, page_tracking=False)
    assert view(button) is None
    assert (Visit.objects.count(), PageView.objects.count()) == (0, 0)


def test_do_not_track_is_honoured_when_the_account_asks_and_only_then(button, clock):
    _privacy(button.account, honour_dnt=True)
    assert view(button, do_not_track=True) is None
    assert Visit.objects.count() == 0
    _privacy(button.account, honour_dnt=False)
    assert view(button, do_not_track=True) is not None
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"url": "javascript:alert(1)"},
        {"url": "https://shop.example/" + "a" * 2000},
        {"url": "/relative/path"},
        {"url": 42},
        {},
    ],
)
def test_a_bad_page_report_is_refused_with_a_message(data):
    with pytest.raises(DomainError) as error:
        actions.clean_page_report(data)
    assert error.value.message == "Report the page as an http or https address of at most 2000 characters."


def test_long_titles_are_cut_and_odd_referrers_dropped():
    report = actions.clean_page_report({"url": "https://a.example/", "title": "x" * 400, "referrer": "file:///etc"})
    assert (len(report.title), report.referrer) == (300, "")


def test_page_views_are_rate_limited_per_visitor(button, clock):
    for i in range(actions.tracking.PAGE_VIEWS_PER_MINUTE):
        view(button, f"https://shop.example/{i}")
    with pytest.raises(actions.TooManyPageViews):
        view(button, "https://shop.example/one-too-many")
    assert PageView.objects.count() == 30
    assert not PageView.objects.filter(url="https://shop.example/one-too-many").exists()


def test_the_time_on_page_reaches_only_the_visitor_s_own_page_view(button, other_button, clock):
    mine = view(button)
    assert actions.record_time_on_page(account=button.account, visitor_id=VISITOR, view=mine.public_id, seconds=17.6)
    assert PageView.objects.get(pk=mine.pk).seconds_on_page == 17
    # Another visitor, or the same visitor id through another account's key, changes nothing.
    assert not actions.record_time_on_page(
        account=button.account, visitor_id="someone-else-01234567", view=mine.public_id, seconds=99
    )
    assert not actions.record_time_on_page(
        account=other_button.account, visitor_id=VISITOR, view=mine.public_id, seconds=99
    )
    for bad in (-1, "12", True, None):
        assert not actions.record_time_on_page(
            account=button.account, visitor_id=VISITOR, view=mine.public_id, seconds=bad
        )
    assert PageView.objects.get(pk=mine.pk).seconds_on_page == 17


def test_the_last_socket_closing_means_the_visitor_left(button, clock, django_capture_on_commit_callbacks):
    first = view(button)
    Visit.objects.filter(pk=first.visit_id).update(connections=2)
    actions.disconnect_visit(visit_id=first.visit_id)
    assert Visit.objects.get().connections == 1
    with django_capture_on_commit_callbacks() as callbacks:
        actions.disconnect_visit(visit_id=first.visit_id)
        actions.disconnect_visit(visit_id=first.visit_id)  # never below zero
    assert Visit.objects.get().connections == 0
    assert len(callbacks) == 1


def test_privacy_settings_are_validated_and_audited(account):
    with pytest.raises(DomainError):
        _privacy(account, retention_days=0)
    with pytest.raises(DomainError):
        _privacy(account, retention_days=731)
    assert TrackingSettings.objects.count() == 0
    _privacy(account, anonymise_ips=True, retention_days=7)
    stored = TrackingSettings.objects.get(account=account)
    assert (stored.page_tracking, stored.anonymise_ips, stored.honour_dnt, stored.retention_days) == (
        True,
        True,
        True,
        7,
    )
    entry = AuditEntry.objects.get(action="chat_privacy.updated")
    assert entry.data == {"anonymise_ips": [False, True], "retention_days": [30, 7]}


def test_the_retention_sweep_deletes_only_visits_past_their_account_s_retention(button, other_button, clock):
    from helpline.channels.chat.monitoring.tasks import purge_visitor_data

    _privacy(button.account, retention_days=10)  # the other account keeps the default 30 days
    view(button, visitor="old-visitor-0123456789")
    old_b = view(other_button, visitor="old-visitor-0123456789")
    clock.at = T0 + timedelta(days=5)
    recent = view(button, visitor="new-visitor-0123456789")
    Invitation.objects.create(
        account=button.account,
        visit=Visit.objects.get(visitor_id="old-visitor-0123456789", account=button.account),
        message="hi",
    )
    clock.at = T0 + timedelta(days=10, seconds=1)
    assert purge_visitor_data.call_local() == 1
    assert set(Visit.objects.values_list("pk", flat=True)) == {recent.visit_id, old_b.visit_id}
    assert PageView.objects.count() == 2
    assert Invitation.objects.count() == 0
    assert purge_visitor_data.call_local() == 0  # idempotent
    clock.at = T0 + timedelta(days=14)  # the recent visit is 9 days old, the other account's 14: both kept
    assert actions.purge_old_visits() == 0
    clock.at = T0 + timedelta(days=30, seconds=1)
    assert actions.purge_old_visits() == 2
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("agent", "client"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            Client("desktop", "Firefox 128", "Linux"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            Client("desktop", "Chrome 126", "Windows"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
            Client("desktop", "Edge 126", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            Client("mobile", "Safari 17", "iOS"),
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1",
            Client("tablet", "Chrome 126", "iOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36"
            " (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            Client("mobile", "Chrome 126", "Android"),
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            Client("desktop", "Safari 17", "macOS"),
        ),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", Client("bot", "Other", "")),
        ("", Client("", "", "")),
    ],
)
def test_device_browser_and_os_from_the_user_agent(agent, client):
    assert parse_user_agent(agent) == client
