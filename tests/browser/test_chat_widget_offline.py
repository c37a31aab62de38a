"""The widget's remaining paths in a real Chromium, on a host site of another origin: a single-page site that
changes its address without a reload (each address a page view), the sound of a new agent line while the visitor
looks elsewhere (and the mute switch, kept across a reload), the offline contact form outside business hours
(a ticket in the agent's inbox), and a banned address (the widget's refusal)."""

from __future__ import annotations

import pytest

from .support import AGENT_EMAIL, go_online, signed_in_page, static_site
from .support import CHAT_TIMEOUT_MS as TIMEOUT_MS

# Counts the oscillators the widget starts (two per chime), in every frame of the visitor's browser.
COUNT_CHIMES = """
(() => {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  window.__oscillators = 0;
  const original = Context.prototype.createOscillator;
  Context.prototype.createOscillator = function () {
    window.__oscillators += 1;
    return original.apply(this, arguments);
  };
})();
"""

COUNT_TICKETS = "from helpline.conversations.models import Ticket\nprint(Ticket.objects.count())"


@pytest.fixture(scope="module")
def host_site(helpline, tmp_path_factory):
    root = tmp_path_factory.mktemp("host-site-offline")
    snippet = f'<script src="{helpline["base"]}/widget/{helpline["key"]}.js" async></script>'
    (root / "index.html").write_text(
        f"<!doctype html><html><head><title>Shop</title></head><body><h1>Our shop</h1>{snippet}</body></html>"
    )
    (root / "app.html").write_text(
        "<!doctype html><html><head><title>App home</title></head><body><h1>App</h1>"
        '<button id="to-pricing">Pricing</button> <button id="same">Same address</button>'
        "<script>"
        "document.getElementById('to-pricing').onclick = () => {"
        " history.pushState({}, '', '/app/pricing?plan=pro'); document.title = 'App pricing'; };"
        "document.getElementById('same').onclick = () => history.replaceState({ scrolled: 1 }, '', location.href);"
        f"</script>{snippet}</body></html>"
    )
    with static_site(root) as origin:
        yield origin


def widget_frame(page):
    return next(frame for frame in page.frames if "/widget/" in frame.url and "/frame/" in frame.url)


def page_views(helpline) -> list[str]:
    out = helpline["live"].manage_shell(
        "from helpline.channels.chat.monitoring.models import PageView\n"
        "print('|'.join(f'{v.url} {v.title}' for v in PageView.objects.order_by('id')))\n"
    )
    return out.splitlines()[-1].split("|") if out else []


def wait_for_page_views(helpline, count: int) -> list[str]:
    import time

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    views = page_views(helpline)
    while len(views) < count and time.monotonic() < deadline:
        time.sleep(0.3)
        views = page_views(helpline)
    return views


def test_a_single_page_site_reports_each_address_it_moves_to(helpline, host_site, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    visitor = context.new_page()
    errors = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(f"{host_site}/app.html")
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    expect(widget.locator("#launcher")).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT_MS)
    assert wait_for_page_views(helpline, 1) == [f"{host_site}/app.html App home"]

    visitor.click("#to-pricing")  # pushState, then the title changes: one page view with both
    expect(visitor).to_have_url(f"{host_site}/app/pricing?plan=pro")
    assert wait_for_page_views(helpline, 2)[1:] == [f"{host_site}/app/pricing?plan=pro App pricing"]

    visitor.click("#same")  # replaceState to the same address: no new page view
    visitor.go_back()  # popstate
    expect(visitor).to_have_url(f"{host_site}/app.html")
    views = wait_for_page_views(helpline, 3)
    assert views == [
        f"{host_site}/app.html App home",
        f"{host_site}/app/pricing?plan=pro App pricing",
        f"{host_site}/app.html App pricing",  # the site did not set its title back
    ]
    assert errors == []
    context.close()


def test_a_new_agent_line_sounds_while_the_visitor_looks_elsewhere_unless_muted(helpline, host_site, browser):
    from playwright.sync_api import expect

    base = helpline["base"]
    agent_context, agent = signed_in_page(browser, base, AGENT_EMAIL)
    agent.click("nav a:has-text('Chats')")
    expect(agent.locator("#chat-live")).to_have_text("Live", timeout=TIMEOUT_MS)
    go_online(agent, helpline["live"])

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(COUNT_CHIMES)
    visitor = context.new_page()
    visitor.goto(f"{host_site}/index.html")
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    widget.locator("#launcher").click()
    mute = widget.locator("#mute")
    expect(mute).to_have_attribute("aria-pressed", "false")
    expect(mute).to_have_accessible_name("Mute sounds")
    widget.locator("#f-name").fill("Sam Sound")
    widget.locator("#f-message").fill("Anyone there?")
    widget.locator("#prechat button[type=submit]").click()
    expect(widget.locator("#conversation")).to_be_visible(timeout=TIMEOUT_MS)

    incoming = agent.locator(".chat-incoming__item", has_text="Sam Sound")
    expect(incoming).to_be_visible(timeout=TIMEOUT_MS)
    incoming.locator("button[data-accept]").click()
    pane = agent.locator(".chat-pane:not([hidden])")
    agent_box = pane.locator("textarea")

    # While the visitor types in the widget (the frame has the focus), an answer makes no sound.
    widget.locator("#composer-text").click()
    agent_box.fill("Hello Sam!")
    agent_box.press("Enter")
    expect(widget.locator(".line--agent .line__text")).to_have_text(["Hello Sam!"], timeout=TIMEOUT_MS)
    visitor.wait_for_timeout(400)
    assert widget_frame(visitor).evaluate("window.__oscillators") == 0

    # The visitor goes back to the host page: the next answer chimes (one chime, two tones).
    visitor.click("h1")
    agent_box.fill("Are you still there?")
    agent_box.press("Enter")
    expect(widget.locator(".line--agent .line__text")).to_have_count(2, timeout=TIMEOUT_MS)
    widget_frame(visitor).wait_for_function("() => window.__oscillators === 2", timeout=TIMEOUT_MS)

    # Muted, it stays quiet; the switch is kept across a reload.
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    visitor.click("h1")
    agent_box.fill("Third line")
    agent_box.press("Enter")
    expect(widget.locator(".line--agent .line__text")).to_have_count(3, timeout=TIMEOUT_MS)
    visitor.wait_for_timeout(400)
    assert widget_frame(visitor).evaluate("window.__oscillators") == 2
    visitor.reload()
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    expect(widget.locator(".line--agent .line__text")).to_have_count(3, timeout=TIMEOUT_MS)
    expect(widget.locator("#mute")).to_have_attribute("aria-pressed", "true")
    visitor.wait_for_timeout(400)
    assert widget_frame(visitor).evaluate("window.__oscillators") == 0  # the replay after a reload is not new
    pane.locator("button:has-text('End chat')").click()
    expect(widget.locator("#status")).to_have_text("The chat has ended.", timeout=TIMEOUT_MS)
    context.close()
    agent_context.close()


def test_outside_business_hours_the_offline_form_opens_a_ticket_in_the_inbox(helpline, host_site, browser):
    from playwright.sync_api import expect

    helpline["live"].manage_shell(
        "from helpline.channels.chat.models import ChatButton\n"
        "from helpline.channels.chat.actions import update_chat_button\n"
        "button = ChatButton.objects.get(account__slug='demo')\n"
        "update_chat_button(button=button, hours_enabled=True, business_hours={})\n"  # no open day: closed
    )
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    visitor = context.new_page()
    visitor.goto(f"{host_site}/index.html")
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    widget.locator("#launcher").click()
    offline = widget.locator("#offline")
    expect(offline).to_be_visible(timeout=TIMEOUT_MS)
    expect(offline).to_contain_text("We are closed right now. Leave us a message and we will answer by email.")
    expect(widget.locator("#prechat")).to_be_hidden()
    widget.locator("#o-name").fill("Olga Offline")
    widget.locator("#o-email").fill("olga@example.com")
    widget.locator("#o-message").fill("Please call me back about invoice 7781\nThanks")
    offline.locator("button[type=submit]").click()
    expect(widget.locator("#status")).to_have_text("Thank you. We will answer by email.", timeout=TIMEOUT_MS)
    expect(offline).to_be_hidden()
    context.close()

    agent_context, agent = signed_in_page(browser, helpline["base"], AGENT_EMAIL)
    row = agent.locator("a.ticket-row", has_text="Please call me back about invoice 7781")
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    row.click()
    expect(agent.locator("#ticket-subject")).to_have_text("Please call me back about invoice 7781")
    expect(agent.locator("#ticket-status")).to_have_value("new")
    expect(agent.locator("#thread .msg__body").first).to_contain_text("Please call me back about invoice 7781")
    agent_context.close()


def test_a_banned_address_cannot_start_a_chat(helpline, host_site, browser):
    from playwright.sync_api import expect

    helpline["live"].manage_shell(
        "from helpline.channels.chat.models import ChatButton\n"
        "from helpline.channels.chat.actions import update_chat_button\n"
        "from helpline.security.actions.bans import ban_visitor\n"
        "button = ChatButton.objects.get(account__slug='demo')\n"
        "update_chat_button(button=button, hours_enabled=False)\n"
        "ban_visitor(account=button.account, kind='ip', value='127.0.0.1', reason='abuse')\n"
    )
    before = helpline["live"].manage_shell(COUNT_TICKETS)
    agent_context, agent = signed_in_page(browser, helpline["base"], AGENT_EMAIL)  # someone could answer
    agent.click("nav a:has-text('Chats')")
    expect(agent.locator("#chat-live")).to_have_text("Live", timeout=TIMEOUT_MS)
    go_online(agent, helpline["live"])

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    visitor = context.new_page()
    visitor.goto(f"{host_site}/index.html")
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    widget.locator("#launcher").click()
    # The widget's socket is refused at once; the pre-chat form is refused too, with the same neutral words.
    expect(widget.locator("#status")).to_have_text("Sorry, the chat is not available.", timeout=TIMEOUT_MS)
    expect(widget.locator("#prechat")).to_be_visible()
    widget.locator("#f-name").fill("Mallory")
    widget.locator("#f-message").fill("Let me in")
    with visitor.expect_response(lambda r: r.url.endswith("/chats/")) as answer:
        widget.locator("#prechat button[type=submit]").click()
    assert answer.value.status == 403
    expect(widget.locator("#status")).to_have_text("Sorry, the chat is not available.")
    expect(widget.locator("#conversation")).to_be_hidden()
    assert helpline["live"].manage_shell(COUNT_TICKETS) == before
    expect(agent.locator(".chat-incoming__item", has_text="Mallory")).to_have_count(0)
    context.close()
    agent_context.close()
