"""Keyboard shortcuts in a real Chromium: "?" opens the help overlay (Esc closes it), j and Enter open a ticket
from the inbox, "r" focuses the reply box, "a" assigns it to me, "e" resolves it and "g i" goes back to the inbox."""

from __future__ import annotations

import re

import pytest

from .support import AGENT_EMAIL, signed_in_page


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-shortcuts")
    live.demo()
    return live.serve()


def test_shortcuts_open_the_help_reply_and_resolve(server, browser):
    from playwright.sync_api import expect

    context, page = signed_in_page(browser, server, AGENT_EMAIL)
    try:
        page.goto(f"{server}/agent/?status=new")
        help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
        expect(help_dialog).to_be_hidden()
        page.keyboard.press("?")
        expect(help_dialog).to_be_visible()
        expect(help_dialog.locator("dd")).to_contain_text(["Next / previous ticket in the inbox", "Resolve the ticket"])
        page.keyboard.press("Escape")
        expect(help_dialog).to_be_hidden()

        first = page.locator("a.ticket-row").first
        subject = first.locator(".ticket-row__subject").inner_text()
        page.keyboard.press("j")
        expect(first).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#ticket-subject")).to_have_text(subject)
        ticket_url = page.url
        expect(page.locator("#ticket-status")).to_have_value("new")

        page.keyboard.press("r")
        expect(page.locator("#reply-body")).to_be_focused()
        expect(page.locator("#reply-body")).to_have_text("")  # the "r" was not typed into the box
        page.keyboard.type("e")  # typing in a box is writing, not a shortcut
        expect(page.locator("#reply-body")).to_have_text("e")
        expect(page.locator("#ticket-status")).to_have_value("new")
        page.locator("#reply-body").fill("")
        page.locator("#reply-body").evaluate("el => el.blur()")

        page.keyboard.press("a")
        me = page.locator("#ticket-assignee option[data-me]")
        expect(page.locator("#ticket-assignee")).to_have_value(me.get_attribute("value"))
        expect(page.locator("#ticket-assignee option[data-me]")).to_have_attribute("selected", "")  # saved

        page.keyboard.press("e")
        expect(page.locator("#ticket-status")).to_have_value("resolved")
        expect(page.locator("#ticket-status")).to_have_attribute("data-current", "resolved")  # the panel came back
        page.reload()
        expect(page.locator("#ticket-status")).to_have_value("resolved")  # saved, not only chosen

        page.keyboard.press("g")
        page.keyboard.press("i")
        expect(page).to_have_url(re.compile(re.escape(f"{server}/agent/") + "$"))
        assert page.url != ticket_url
    finally:
        context.close()
