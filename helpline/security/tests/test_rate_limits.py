"""Fixed-window counters in the cache: the N+1th request of a window is refused, with the seconds to wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.security.rate_limits import Limit, hit, ip_key


@pytest.fixture
def now(monkeypatch):
    class Clock:
        at = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)

    moment = Clock()
    monkeypatch.setattr("helpline.core.clock.now", lambda: moment.at)
    return moment


def test_the_request_past_the_count_is_refused_until_the_window_ends(now):
    three = Limit(3, 60)
    assert [hit("t", [("a", three)]) for _ in range(3)] == [0, 0, 0]
    assert hit("t", [("a", three)]) == 50  # the window started at 09:00:00
    assert hit("t", [("b", three)]) == 0  # another key counts apart
    assert hit("other", [("a", three)]) == 0  # and another scope
    now.at += timedelta(seconds=50)
    assert hit("t", [("a", three)]) == 0


def test_every_key_counts_and_the_longest_wait_is_returned(now):
    assert hit("t", [("ip", Limit(1, 600)), ("visitor", Limit(5, 60))]) == 0
    assert hit("t", [("ip", Limit(1, 600)), ("visitor", Limit(5, 60))]) == 590


def test_ipv6_addresses_count_per_64():
    assert ip_key("2001:db8:1:2::1") == ip_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert ip_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert ip_key("") == "none"
