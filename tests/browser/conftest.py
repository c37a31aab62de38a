"""Fixtures of the browser tests: one Chromium for the session, and real `helpline serve` processes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpline.channels.email.tests.mail import SmtpRecorder

from .support import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, LiveHelpline, free_port

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test of this folder is a browser test: it runs in the SQLite pass only, and only with Chromium."""
    for item in items:
        if HERE in item.path.resolve().parents:
            for mark in BROWSER_MARKS:
                item.add_marker(mark)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_helpline(tmp_path_factory):
    """Makes `LiveHelpline(data dir named NAME, env overrides)`; stops every one it made after the module."""
    made: list[LiveHelpline] = []

    def make(name: str, **env: str) -> LiveHelpline:
        live = LiveHelpline(tmp_path_factory.mktemp(name), env)
        made.append(live)
        return live

    yield make
    for live in made:
        live.stop()


@pytest.fixture(scope="module")
def helpline(live_helpline):
    """The chat tests' install: the demo account, its chat widget key, and an SMTP sink for what it mails."""
    sink = SmtpRecorder()
    smtp = sink.start(free_port())
    live = live_helpline("helpline-chat", HELPLINE_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")
    demo = live.demo()
    key = re.search(r"Chat widget:  <script src=\"[^\"]+/widget/([A-Za-z0-9]+)\.js\" async></script>", demo)
    assert key, demo
    try:
        yield {"base": live.serve(), "key": key.group(1), "live": live, "smtp": sink}
    finally:
        smtp.stop()
