"""The agent workspace in a real Chromium against a real `helpline serve`: sign in, reply, and watch a
second browser receive the reply and a status change live, without reloading. Saves README screenshots."""

from __future__ import annotations

import pytest

from .support import AGENT_EMAIL, OWNER_EMAIL, PASSWORD, PROJECT_DIR, WATCHER_EMAIL, signed_in_page

SCREENSHOTS = PROJECT_DIR / "docs" / "screenshots"
LIVE_TIMEOUT_MS = 5000


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-browser")
    demo = live.demo()
    assert f"Owner login:  {OWNER_EMAIL}" in demo
    assert f"Password:     {PASSWORD}" in demo
    return live.serve()


def _sign_in(browser, base_url: str, email: str, *, color_scheme: str = "light"):
    return signed_in_page(browser, base_url, email, check_pages=True, color_scheme=color_scheme)


def _wait_live(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-live-indicator]")).to_have_attribute("data-state", "live", timeout=LIVE_TIMEOUT_MS)


def test_reply_and_status_reach_another_open_browser_live(server, browser):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # A wrong password is refused with the exact message, and nobody is signed in.
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/login/")
    page.fill("input[name=username]", OWNER_EMAIL)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert--error")).to_have_text("That email and password do not match an active login.")
    context.close()

    owner_context, owner = _sign_in(browser, server, OWNER_EMAIL)
    expect(owner.locator("a.ticket-row")).to_have_count(50)
    expect(owner.locator('[data-status-count="all"] .count')).to_have_text("50")
    owner.screenshot(path=str(SCREENSHOTS / "inbox-light.png"))

    # Open the newest ticket that is still waiting for a first answer.
    owner.select_option("select[name=status]", "new")
    expect(owner).to_have_url(f"{server}/agent/?status=new")
    expect(owner.locator('[data-status-count="new"]')).to_have_class("nav-link nav-link--count nav-link--active")
    first_row = owner.locator("a.ticket-row").first
    subject = first_row.locator(".ticket-row__subject").inner_text()
    first_row.click()
    expect(owner.locator("#ticket-subject")).to_have_text(subject)
    ticket_url = owner.url
    _wait_live(owner)

    ticket_id = ticket_url.rstrip("/").rsplit("/", 1)[1]

    # A third agent watches the inbox; a second one has the same ticket open.
    watcher_context, watcher = _sign_in(browser, server, WATCHER_EMAIL)
    watched_row = watcher.locator(f'[data-ticket-row="{ticket_id}"]')
    expect(watched_row.locator(".badge")).to_have_text("New")
    _wait_live(watcher)
    agent_context, agent = _sign_in(browser, server, AGENT_EMAIL)
    agent.goto(ticket_url)
    expect(agent.locator("#ticket-subject")).to_have_text(subject)
    expect(agent.locator("#ticket-status")).to_have_value("new")
    _wait_live(agent)

    reply = "Thanks for your patience: we fixed it and your account works again."
    owner.fill("#reply-body", reply)
    owner.click("button:has-text('Send reply')")
    own_message = owner.locator("#thread .msg--out").last
    expect(own_message.locator(".msg__body")).to_have_text(reply)
    expect(owner.locator("#reply-body")).to_have_text("")
    expect(owner.locator("#ticket-status")).to_have_value("answered")

    # The other browser shows the reply, its delivery and the new status without a reload.
    their_copy = agent.locator("#thread .msg--out").last
    expect(their_copy.locator(".msg__body")).to_have_text(reply, timeout=LIVE_TIMEOUT_MS)
    expect(their_copy.locator(".msg__author")).to_have_text("Olga Owner")
    expect(their_copy.locator("[data-delivery]")).to_have_text("Sent", timeout=LIVE_TIMEOUT_MS)
    expect(agent.locator("#ticket-status")).to_have_value("answered", timeout=LIVE_TIMEOUT_MS)
    expect(watched_row.locator(".badge")).to_have_text("Answered", timeout=LIVE_TIMEOUT_MS)

    # An assignment made in one browser shows in the others.
    agent.select_option("#ticket-assignee", label="Ada Lovelace (me)")
    expect(agent.locator("#toasts .toast--success").last).to_have_text("Assignee saved.")
    expect(owner.locator("#ticket-assignee option:checked")).to_have_text("Ada Lovelace", timeout=LIVE_TIMEOUT_MS)
    expect(watched_row.locator(".ticket-row__assignee")).to_have_text("Ada Lovelace", timeout=LIVE_TIMEOUT_MS)

    # And the other way round: the agent resolves it, the owner sees the status change live.
    agent.select_option("#ticket-status", "resolved")
    expect(agent.locator("#toasts .toast--success").last).to_have_text("Status saved.")
    expect(owner.locator("#ticket-status")).to_have_value("resolved", timeout=LIVE_TIMEOUT_MS)
    expect(watched_row.locator(".badge")).to_have_text("Resolved", timeout=LIVE_TIMEOUT_MS)

    # An internal note is styled apart from replies.
    owner.click("button[role=tab]:has-text('Internal note')")
    owner.fill("#note-body", "Customer confirmed by phone.")
    owner.click("button:has-text('Add note')")
    expect(owner.locator("#thread .msg--internal").last.locator(".msg__body")).to_have_text(
        "Customer confirmed by phone."
    )
    expect(agent.locator("#thread .msg--internal").last.locator(".msg__body")).to_have_text(
        "Customer confirmed by phone.", timeout=LIVE_TIMEOUT_MS
    )
    owner.click("button[role=tab]:has-text('Reply')")
    owner.screenshot(path=str(SCREENSHOTS / "ticket-view.png"))

    # Dark mode: the toggle wins over the system setting and survives a reload.
    owner.goto(f"{server}/agent/")
    owner.click("[data-theme-toggle]")
    expect(owner.locator("html")).to_have_attribute("data-theme", "dark")
    owner.reload()
    expect(owner.locator("html")).to_have_attribute("data-theme", "dark")
    owner.screenshot(path=str(SCREENSHOTS / "inbox-dark.png"))

    watcher_context.close()
    agent_context.close()
    owner_context.close()
