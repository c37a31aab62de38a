"""Contacts in a real Chromium against a real `helpline serve` (its own task consumer): a private note from
the ticket's side panel, the contact's page, CSV import through preview and the background task, CSV export."""

from __future__ import annotations

import pytest

from .support import OWNER_EMAIL, signed_in_page

TIMEOUT_MS = 15000


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-contacts")
    live.demo()
    return {"base": live.serve(), "live": live}


def test_note_from_the_side_panel_then_the_contact_page(server, browser):
    from playwright.sync_api import expect

    base = server["base"]
    context, page = signed_in_page(browser, base, OWNER_EMAIL)
    page.locator("a.ticket-row").first.click()
    card = page.locator("#contact-card")
    expect(card).to_be_visible(timeout=TIMEOUT_MS)

    card.locator("textarea[name=body]").fill("Prefers a call back after 5 pm")
    card.get_by_role("button", name="Add note").click()

    expect(page.locator("#contact-card .contact-note__body")).to_contain_text(["Prefers a call back after 5 pm"])
    page.locator("[data-contact-link]").click()
    expect(page.locator("#contact-notes .contact-note__body").first).to_have_text("Prefers a call back after 5 pm")
    expect(page.locator("#contact-tickets a.ticket-row").first).to_be_visible()
    context.close()


def test_import_with_preview_and_report_then_export(server, browser, tmp_path):
    from playwright.sync_api import expect

    base = server["base"]
    source = tmp_path / "people.csv"
    source.write_text("name,email,company\nZoe Import,zoe@import.example,Imported Ltd\nNo Address,broken,\n")
    context, page = signed_in_page(browser, base, OWNER_EMAIL)
    page.goto(f"{base}/agent/contacts/import/")

    page.set_input_files("input[name=file]", str(source))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator('[data-row="3"] [data-row-error]')).to_have_text("broken is not a valid email address.")
    page.get_by_role("button", name="Import").click()

    status = page.locator("#contact-import")
    expect(status).to_have_attribute("data-import-status", "done", timeout=TIMEOUT_MS)
    expect(status.locator("[data-created]")).to_have_text("1")
    expect(status.locator('[data-error-row="3"]')).to_contain_text("broken is not a valid email address.")

    page.goto(f"{base}/agent/contacts/?q=zoe")
    expect(page.locator("#contact-list tbody tr")).to_have_count(1, timeout=TIMEOUT_MS)
    with page.expect_download() as download:
        page.locator("[data-export]").click()
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "id,name,email,phone,company,groups,created_at"
    assert [r.split(",")[1:5] for r in rows[1:]] == [["Zoe Import", "zoe@import.example", "", "Imported Ltd"]]
    context.close()
