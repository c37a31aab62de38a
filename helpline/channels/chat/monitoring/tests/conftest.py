"""Fixtures for visitor monitoring: the chat channel's button fixtures, a page report, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

VISITOR = "visitor-0123456789abcdef"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def button(account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=account, name="Website")


@pytest.fixture
def other_button(other_account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=other_account, name="Website")


@pytest.fixture
def clock(monkeypatch):
    """The time, set by the test: ``clock.at = …``."""

    class Clock:
        at = T0

    moment = Clock()
    monkeypatch.setattr("helpline.core.clock.now", lambda: moment.at)
    return moment


def page(url: str = "https://shop.example/pricing", title: str = "Pricing", referrer: str = ""):
    from helpline.channels.chat.monitoring.actions import clean_page_report

    return clean_page_report({"url": url, "title": title, "referrer": referrer})


def view(button, url: str = "https://shop.example/pricing", visitor: str = VISITOR, **kwargs):
    from helpline.channels.chat.monitoring.actions import record_page_view

    kwargs.setdefault("ip", "203.0.113.7")
    kwargs.setdefault("user_agent", FIREFOX)
    report = page(url, kwargs.pop("title", "Pricing"), kwargs.pop("referrer", ""))
    return record_page_view(button=button, visitor_id=visitor, report=report, **kwargs)
