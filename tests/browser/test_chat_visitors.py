"""Visitor monitoring end to end in a real Chromium: a visitor browses two pages of a customer's site (another
origin); the agent's live visitors list follows the page change (and, for a watched visitor, says so in a toast);
a proactive rule with a 2-second time-on-page threshold shows the invitation bubble, and accepting it opens the
chat's pre-chat form."""

from __future__ import annotations

import pytest

from .support import AGENT_EMAIL, go_online, signed_in_page, static_site
from .support import CHAT_TIMEOUT_MS as TIMEOUT_MS


@pytest.fixture(scope="module")
def host_site(helpline, tmp_path_factory):
    """Two pages of a customer's site on another origin, each with the one-line snippet."""
    root = tmp_path_factory.mktemp("host-site-visitors")
    snippet = f'<script src="{helpline["base"]}/widget/{helpline["key"]}.js" async></script>'
    for name, title, link in (("index", "Our shop", "pricing"), ("pricing", "Pricing plans", "index")):
        (root / f"{name}.html").write_text(
            f"<!doctype html><html><head><title>{title}</title></head>"
            f'<body><h1>{title}</h1><a id="next" href="{link}.html">{link}</a>{snippet}</body></html>'
        )
    with static_site(root) as origin:
        yield origin


def test_the_visitors_list_follows_a_visitor_and_a_rule_invites_them(helpline, host_site, browser):
    from playwright.sync_api import expect

    helpline["live"].manage_shell(
        "from helpline.tenancy.models import Account\n"
        "from helpline.channels.chat.monitoring.actions import create_invitation_rule\n"
        "create_invitation_rule(account=Account.objects.get(slug='demo'), name='Pricing help',"
        " message='Questions about our plans?', url_pattern='/pricing*', min_seconds_on_page=2)\n",
    )
    base = helpline["base"]
    agent_context, agent = signed_in_page(browser, base, AGENT_EMAIL)
    agent.click("nav a:has-text('Visitors')")
    expect(agent.locator("h1.page-title")).to_have_text("Visitors")
    expect(agent.locator("#visitors-live")).to_have_text("Live", timeout=TIMEOUT_MS)
    go_online(agent, helpline["live"])  # rules invite only while someone can answer

    visitor_context = browser.new_context(viewport={"width": 1200, "height": 800})
    visitor = visitor_context.new_page()
    errors = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(f"{host_site}/index.html")
    expect(visitor.locator("h1")).to_have_text("Our shop")

    row = agent.locator("#visitors-rows tr[data-visit]")
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    expect(row.locator("[data-current-page]")).to_have_text("Our shop", timeout=TIMEOUT_MS)
    row.locator("[data-watch]").click()
    expect(row.locator("[data-watch]")).to_have_attribute("aria-pressed", "true")

    # The visitor moves to the pricing page: the row follows, the watching agent gets a toast.
    visitor.click("#next")
    expect(visitor.locator("h1")).to_have_text("Pricing plans")
    expect(row.locator("[data-current-page]")).to_have_text("Pricing plans", timeout=TIMEOUT_MS)
    expect(row).to_contain_text("2 pages")
    expect(agent.locator("[data-visitor-toast]").last).to_contain_text("moved to Pricing plans", timeout=TIMEOUT_MS)

    # After two seconds on the pricing page, the rule's invitation bubble shows; accepting opens the chat.
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    bubble = widget.locator("#invitation")
    expect(bubble).to_be_visible(timeout=TIMEOUT_MS)
    expect(widget.locator("#invitation-text")).to_have_text("Questions about our plans?")
    widget.locator("#invitation-accept").click()
    expect(bubble).to_be_hidden()
    expect(widget.locator("#panel")).to_be_visible()
    expect(widget.locator("#prechat")).to_be_visible()
    assert errors == []

    counts = helpline["live"].manage_shell(
        "from helpline.channels.chat.monitoring.models import Invitation\n"
        "import time\n"
        "for _ in range(50):\n"
        "    if Invitation.objects.filter(accepted_at__isnull=False).exists(): break\n"
        "    time.sleep(0.1)\n"
        "print(Invitation.objects.filter(shown_at__isnull=False).count(),"
        " Invitation.objects.filter(accepted_at__isnull=False).count())\n",
    )
    assert counts.splitlines()[-1] == "1 1"
    agent_context.close()
    visitor_context.close()
