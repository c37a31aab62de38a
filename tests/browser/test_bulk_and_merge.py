"""Bulk actions and merging in a real Chromium against a real `helpline serve` (its own task consumer):
merge two tickets from the inbox, and bulk-resolve a filtered selection while watching the progress."""

from __future__ import annotations

import json

import pytest

from .support import OWNER_EMAIL, signed_in_page

TIMEOUT_MS = 15000


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-bulk")
    live.demo()
    return {"base": live.serve(), "live": live}


def _tickets(live, public_ids: list[str]) -> dict:
    code = (
        "import json; from helpline.conversations.models import Ticket; "
        f"print(json.dumps({{t.public_id: [t.message_count, t.merged_into.public_id if t.merged_into else None, "
        f"t.status] for t in Ticket.objects.filter(public_id__in={public_ids!r})}}))"
    )
    return json.loads(live.manage_shell(code).splitlines()[-1])


def test_merge_two_tickets(server, browser):
    from playwright.sync_api import expect

    base, live = server["base"], server["live"]
    context, page = signed_in_page(browser, base, OWNER_EMAIL)
    page.on("dialog", lambda dialog: dialog.accept())
    rows = page.locator("[data-bulk-check]")
    ids = [rows.nth(0).get_attribute("value"), rows.nth(1).get_attribute("value")]
    before = _tickets(live, ids)
    expect(page.locator("[data-bulk-controls]")).to_be_hidden()

    rows.nth(0).check()
    rows.nth(1).check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")
    page.select_option("#bulk-action", "merge")
    page.click("[data-bulk-apply]")

    expect(page.locator("#bulk-status")).to_have_attribute("data-state", "finished", timeout=TIMEOUT_MS)
    expect(page.locator("[data-bulk-progress-text]")).to_contain_text("Done: 2 tickets changed.")
    page.click("[data-bulk-survivor]")
    after = _tickets(live, ids)
    survivor = next(public_id for public_id, row in after.items() if row[1] is None)
    merged = next(public_id for public_id in ids if public_id != survivor)
    expect(page).to_have_url(f"{base}/agent/tickets/{survivor}/")
    total = before[ids[0]][0] + before[ids[1]][0]
    assert after[survivor][0] == total
    assert after[merged] == [0, survivor, "resolved"]
    expect(page.locator("#thread .msg")).to_have_count(total)

    page.goto(f"{base}/agent/tickets/{merged}/")  # the merged ticket's address leads to the survivor
    expect(page).to_have_url(f"{base}/agent/tickets/{survivor}/")
    expect(page.locator(".toast, .alert").first).to_contain_text("was merged into this ticket")
    context.close()


def test_bulk_resolve_a_filtered_selection_and_watch_the_progress(server, browser):
    from playwright.sync_api import expect

    base, live = server["base"], server["live"]
    context, page = signed_in_page(browser, base, OWNER_EMAIL)
    page.select_option("select[name=status]", "new")
    expect(page).to_have_url(f"{base}/agent/?status=new")
    new_count = page.locator('[data-status-count="new"] .count')
    expect(new_count).not_to_have_text("0")
    # The sidebar's counts may be up to 15 s old (the merge test just changed one): the job counts afresh.
    shown = int(new_count.inner_text())
    code = "from helpline.conversations.models import Ticket; print(Ticket.objects.filter(status='new').count())"
    matching = int(live.manage_shell(code).splitlines()[-1])
    assert matching > 0
    rows_on_page = page.locator("[data-bulk-check]").count()

    page.check("[data-bulk-page]")
    expect(page.locator("[data-bulk-count]")).to_have_text(f"{rows_on_page} selected")
    everything = page.locator("[data-bulk-everything]")
    expect(everything).to_have_text(f"Select all {shown} tickets matching this filter")
    everything.click()
    expect(page.locator("[data-bulk-count]")).to_have_text(f"All {shown} tickets matching this filter are selected")
    page.select_option("#bulk-action", "resolve")
    page.click("[data-bulk-apply]")

    status = page.locator("#bulk-status")
    expect(status.locator("progress.bulk-progress")).to_have_attribute("max", str(matching), timeout=TIMEOUT_MS)
    expect(status).to_have_attribute("data-state", "finished", timeout=TIMEOUT_MS)
    expect(status.locator("progress.bulk-progress")).to_have_attribute("value", str(matching))
    expect(page.locator("[data-bulk-progress-text]")).to_contain_text(f"Done: {matching} tickets changed.")
    # The list refreshes once the job has finished: no new ticket is left, and the selection is spent.
    expect(page.locator("#ticket-list .empty")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("[data-bulk-controls]")).to_be_hidden()
    context.close()
