"""Settings → Chat buttons in a real Chromium against a real `helpline serve`: an admin creates a chat button,
changes its colour and template and sees the live preview follow, saves, and copies the embed snippet."""

from __future__ import annotations

import pytest

from .support import OWNER_EMAIL, VIEWPORT, sign_in


@pytest.fixture(scope="module")
def server(live_helpline):
    """`helpline serve` on the demo data."""
    live = live_helpline("helpline-chat-button-settings")
    live.demo()
    live.env["HELPLINE_BASE_URL"] = live.base_url
    return live.serve()


def _launcher_background(preview) -> str:
    return preview.locator(".launcher").evaluate("el => getComputedStyle(el).backgroundColor")


def test_create_a_button_recolour_it_in_the_preview_and_copy_the_snippet(server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    sign_in(page, server, OWNER_EMAIL)

    page.goto(f"{server}/agent/settings/")
    page.get_by_role("link", name="Chat buttons").click()
    expect(page.locator("h1.page-title")).to_have_text("Chat buttons")
    page.get_by_role("link", name="Add a chat button").click()

    form = page.locator("[data-chat-button-form]")
    form.locator("input[name=name]").fill("Pricing page")
    form.get_by_role("button", name="Create chat button").click()
    expect(page.locator(".toast--success")).to_contain_text("Chat button Pricing page created.")

    preview = page.frame_locator("[data-preview-frame]")
    expect(preview.locator("body")).to_have_attribute("data-colour", "#2563eb")
    assert _launcher_background(preview) == "rgb(37, 99, 235)"

    page.locator("input[data-colour]").fill("#16a34a")
    expect(preview.locator("body")).to_have_attribute("data-colour", "#16a34a")
    assert _launcher_background(preview) == "rgb(22, 163, 74)"
    expect(page.locator("[data-template=tab] .template-card__launcher")).to_have_css(
        "background-color", "rgb(22, 163, 74)"
    )
    page.locator("label[data-template=tab]").click()
    expect(preview.locator("body")).to_have_attribute("data-template", "tab")
    expect(preview.locator(".launcher__text")).to_be_visible()

    form.get_by_role("button", name="Save").click()
    expect(page.locator(".toast--success")).to_contain_text("Chat button Pricing page saved.")
    row = page.locator("tr", has_text="Pricing page")
    expect(row).to_contain_text("Tab with text")
    row.get_by_role("link", name="Edit").click()
    expect(page.frame_locator("[data-preview-frame]").locator("body")).to_have_attribute("data-colour", "#16a34a")

    snippet = page.locator("#chat-snippet").input_value()
    assert snippet.startswith(f'<script src="{server}/widget/') and snippet.endswith('.js" async></script>')
    page.locator("[data-copy-snippet]").click()
    expect(page.locator("[data-copy-snippet]")).to_have_accessible_name("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    context.close()
