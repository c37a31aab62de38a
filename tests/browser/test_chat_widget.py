"""Live chat end to end in a real Chromium: a host page on ANOTHER origin embeds the widget with its one-line
snippet; the visitor fills the pre-chat form and starts a chat; an agent in another browser context accepts it
in the chat console; both exchange messages and see each other type."""

from __future__ import annotations

import time

import pytest

from .support import AGENT_EMAIL, go_online, signed_in_page, static_site
from .support import CHAT_TIMEOUT_MS as TIMEOUT_MS


@pytest.fixture(scope="module")
def host_page(helpline, tmp_path_factory):
    """A customer's site on another origin (localhost vs 127.0.0.1, another port) with the one-line snippet."""
    root = tmp_path_factory.mktemp("host-site")
    snippet = f'<script src="{helpline["base"]}/widget/{helpline["key"]}.js" async></script>'
    (root / "index.html").write_text(
        "<!doctype html><html><head><title>Shop</title>"
        "<style>iframe{display:block!important} *{font-family:serif!important}</style></head>"
        f"<body><h1>Our shop</h1><p>Welcome.</p>{snippet}</body></html>"
    )
    with static_site(root) as origin:
        yield f"{origin}/index.html"


def test_visitor_and_agent_chat_across_origins(helpline, host_page, browser):
    from playwright.sync_api import expect

    base = helpline["base"]
    # The agent opens the chat console.
    agent_context, agent = signed_in_page(browser, base, AGENT_EMAIL)
    agent.click("nav a:has-text('Chats')")
    expect(agent.locator("h1.page-title")).to_have_text("Chats")
    expect(agent.locator("#chat-live")).to_have_text("Live", timeout=TIMEOUT_MS)
    expect(agent.locator("[data-live-indicator]")).to_have_attribute("data-state", "live", timeout=TIMEOUT_MS)
    go_online(agent, helpline["live"])

    # The visitor is on the customer's site; the widget loads in an iframe from Helpline.
    visitor_context = browser.new_context(viewport={"width": 1200, "height": 800})
    visitor = visitor_context.new_page()
    errors = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(host_page)
    expect(visitor.locator("h1")).to_have_text("Our shop")
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    launcher = widget.locator("#launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT_MS)
    launcher.click()
    expect(widget.locator("#panel")).to_be_visible()
    expect(widget.locator("#launcher")).to_be_hidden()
    widget.locator("#f-name").fill("Vera Visitor")
    widget.locator("#f-email").fill("vera@example.com")
    widget.locator("#f-message").fill("Where is my parcel?")
    widget.locator("#prechat button[type=submit]").click()
    expect(widget.locator("#conversation")).to_be_visible(timeout=TIMEOUT_MS)
    expect(widget.locator(".line--visitor .line__text").first).to_have_text("Where is my parcel?", timeout=TIMEOUT_MS)

    # The console rings; the agent accepts.
    incoming = agent.locator(".chat-incoming__item", has_text="Vera Visitor")
    expect(incoming).to_be_visible(timeout=TIMEOUT_MS)
    incoming.locator("button[data-accept]").click()
    pane = agent.locator(".chat-pane:not([hidden])")
    expect(agent.locator(".chat-tab.tab--active")).to_have_text("Vera Visitor", timeout=TIMEOUT_MS)
    expect(pane.locator(".chat-line--visitor .chat-line__text").first).to_have_text("Where is my parcel?")
    expect(widget.locator("#status")).to_have_text("Ada Lovelace joined the chat.", timeout=TIMEOUT_MS)
    expect(pane.locator(".chat-pane__side")).to_contain_text("vera@example.com", timeout=TIMEOUT_MS)

    # The agent sees what the visitor is typing before it is sent; then the message itself.
    box = widget.locator("#composer-text")
    box.fill("It was order 4471")
    expect(pane.locator(".chat-preview")).to_have_text("Visitor is typing: It was order 4471", timeout=TIMEOUT_MS)
    box.press("Enter")
    expect(pane.locator(".chat-line--visitor .chat-line__text")).to_have_text(
        ["Where is my parcel?", "It was order 4471"], timeout=TIMEOUT_MS
    )
    expect(pane.locator(".chat-preview")).to_be_hidden()

    # The visitor sees the agent typing, then the answer; the agent sees it read.
    agent_box = pane.locator("textarea")
    agent_box.press_sequentially("Let me check")
    expect(widget.locator("#typing")).to_be_visible(timeout=TIMEOUT_MS)
    agent_box.fill("It ships today.")
    agent_box.press("Enter")
    expect(widget.locator(".line--agent .line__text")).to_have_text(["It ships today."], timeout=TIMEOUT_MS)
    expect(widget.locator(".line--agent .line__author")).to_have_text(["Ada Lovelace"])
    expect(pane.locator(".chat-line--agent .chat-line__state")).to_have_text(["Read"], timeout=TIMEOUT_MS)
    expect(widget.locator("#typing")).to_be_hidden()

    # A reload keeps the conversation: every line once, in order.
    visitor.reload()
    widget = visitor.frame_locator("iframe[data-helpline-chat]")
    expect(widget.locator("#panel")).to_be_visible(timeout=TIMEOUT_MS)
    expect(widget.locator(".lines .line__text")).to_have_text(
        [
            "Hi! Ask us anything; we usually answer within a minute.",  # the button's welcome message
            "Where is my parcel?",
            "It was order 4471",
            "It ships today.",
        ],
        timeout=TIMEOUT_MS,
    )

    # The visitor shares a picture; the agent gets it as a file of the chat.
    widget.locator("#attach").set_input_files(
        {"name": "label.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}
    )
    expect(pane.locator(".chat-line__file")).to_have_text(["📎 label.png (1 KB)"], timeout=TIMEOUT_MS)
    expect(widget.locator(".line__file img")).to_have_attribute("alt", "label.png")

    # The agent ends the chat; the visitor rates it and asks for the transcript by email.
    pane.locator("button:has-text('End chat')").click()
    expect(widget.locator("#status")).to_have_text("The chat has ended.", timeout=TIMEOUT_MS)
    widget.locator("[data-rating=good]").click()
    widget.locator("#rate-comment").fill("Quick and kind")
    widget.locator("#rate button[type=submit]").click()
    expect(widget.locator("#status")).to_have_text("Thank you for your rating.", timeout=TIMEOUT_MS)
    expect(pane.locator(".chat-pane__note")).to_have_text("The visitor rated the chat good.", timeout=TIMEOUT_MS)
    widget.locator("#transcript-email").fill("vera@example.com")
    widget.locator("#transcript button[type=submit]").click()
    expect(widget.locator("#status")).to_have_text("The transcript is on its way.", timeout=TIMEOUT_MS)
    sink = helpline["smtp"]  # the demo's own queued replies go out through it too

    def transcripts():
        return [i for i, e in enumerate(sink.envelopes) if e.rcpt_tos == ["vera@example.com"]]

    deadline = time.monotonic() + 15
    while not transcripts() and time.monotonic() < deadline:
        time.sleep(0.2)
    [index] = transcripts()
    mail = sink.parsed(index)
    assert mail["Subject"].startswith("Your chat transcript [#")
    text = mail.get_body(("plain",)).get_content()
    assert "Vera Visitor: It was order 4471" in text
    assert "Ada Lovelace: It ships today." in text
    assert errors == []
    visitor_context.close()
    agent_context.close()
