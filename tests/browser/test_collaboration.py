"""Working together in the workspace, in a real Chromium against a real `helpline serve`: two agents on one
ticket see each other and get the collision warning; ticket tabs survive a reload; the rich reply and note editor."""

from __future__ import annotations

import re

import pytest

from .support import AGENT_EMAIL, PROJECT_DIR, WATCHER_EMAIL, signed_in_page

LIVE_TIMEOUT_MS = 15000  # generous: the browser tests share a busy machine


@pytest.fixture(scope="module")
def live(live_helpline):
    live = live_helpline("helpline-collab")
    live.demo()
    live.serve()
    return live


@pytest.fixture(scope="module")
def server(live):
    return live.base_url


def _wait_live(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-live-indicator]")).to_have_attribute("data-state", "live", timeout=LIVE_TIMEOUT_MS)


def _ticket_urls(page, count: int) -> list[str]:
    rows = page.locator("a.ticket-row")
    return [rows.nth(i).get_attribute("href") for i in range(count)]


def test_two_agents_on_one_ticket_see_each_other_and_get_the_collision_warning(server, browser):
    from playwright.sync_api import expect

    ada_context, ada = signed_in_page(browser, server, AGENT_EMAIL)
    grace_context, grace = signed_in_page(browser, server, WATCHER_EMAIL)
    ticket_url = server + _ticket_urls(ada, 1)[0]
    try:
        ada.goto(ticket_url)
        _wait_live(ada)
        grace.goto(ticket_url)
        _wait_live(grace)

        # Each sees the other viewing.
        ada_presence, grace_presence = ada.locator("[data-ticket-presence]"), grace.locator("[data-ticket-presence]")
        expect(ada_presence).to_have_text("GGrace Hopper is viewing", timeout=LIVE_TIMEOUT_MS)
        expect(grace_presence).to_have_text("AAda Lovelace is viewing", timeout=LIVE_TIMEOUT_MS)

        # Ada starts a reply: Grace sees her replying.
        ada.locator("#reply-body").click()
        ada.locator("#reply-body").press_sequentially("Let me check your invoice.")
        expect(grace_presence.locator("[data-state=replying]")).to_have_text(
            "AAda Lovelace is replying…", timeout=LIVE_TIMEOUT_MS
        )

        # Grace answers first. Ada's thread shows it live, but her reply was begun before: the warning shows it.
        grace.fill("#reply-body", "Your invoice is fixed, sorry for the trouble.")
        grace.click("button:has-text('Send reply')")
        expect(grace.locator("#thread .msg--out").last.locator(".msg__body")).to_have_text(
            "Your invoice is fixed, sorry for the trouble."
        )
        expect(ada.locator("#thread .msg--out").last.locator(".msg__body")).to_have_text(
            "Your invoice is fixed, sorry for the trouble.", timeout=LIVE_TIMEOUT_MS
        )
        messages_before = ada.locator("#thread .msg").count()
        ada.click("button:has-text('Send reply')")
        warning = ada.locator("[data-collision]")
        expect(warning.locator(".collision__title")).to_have_text(
            "Another agent replied while you were writing. Your reply has not been sent yet."
        )
        expect(warning.locator("[data-collision-reply] .prose")).to_have_text(
            "Your invoice is fixed, sorry for the trouble."
        )
        expect(warning.locator(".collision__meta strong")).to_have_text("Grace Hopper")
        expect(ada.locator("#reply-body")).to_have_text("Let me check your invoice.")
        expect(ada.locator("#thread .msg")).to_have_count(messages_before)  # nothing was sent

        # Ada sends anyway; Grace's browser shows it, and Ada is no longer "replying" there.
        ada.click("[data-send-anyway]")
        expect(ada.locator("#thread .msg--out").last.locator(".msg__body")).to_have_text("Let me check your invoice.")
        expect(ada.locator("[data-collision]")).to_have_count(0)
        expect(grace.locator("#thread .msg--out").last.locator(".msg__body")).to_have_text(
            "Let me check your invoice.", timeout=LIVE_TIMEOUT_MS
        )
        expect(grace_presence).to_have_text("AAda Lovelace is viewing", timeout=LIVE_TIMEOUT_MS)

        # Grace leaves the ticket: Ada no longer sees her.
        grace.goto(server + "/agent/")
        expect(ada_presence).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
        expect(ada_presence.locator(".presence-chip")).to_have_count(0)
    finally:
        ada_context.close()
        grace_context.close()


def test_open_three_tabs_reload_and_find_them_restored(server, browser):
    from playwright.sync_api import expect

    from .support import OWNER_EMAIL, sign_in

    context, page = signed_in_page(browser, server, OWNER_EMAIL)
    try:
        urls = _ticket_urls(page, 3)
        ids = [url.rstrip("/").rsplit("/", 1)[1] for url in urls]
        subjects = []
        for url in urls:
            page.goto(server + url)
            subjects.append(page.locator("#ticket-subject").inner_text())
        tabs = page.locator("[data-ticket-tab]")
        expect(tabs).to_have_count(3)
        expect(page.locator(".ticket-tab--active")).to_have_attribute("data-ticket-tab", ids[2])

        page.reload()
        expect(tabs).to_have_count(3)
        assert [tabs.nth(i).get_attribute("data-ticket-tab") for i in range(3)] == ids
        expect(page.locator(".ticket-tab__subject")).to_have_text(subjects)

        # Back in the inbox the tabs are still there; a tab opens its ticket.
        page.goto(server + "/agent/")
        expect(tabs).to_have_count(3)
        expect(page.locator(".ticket-tab--active")).to_have_count(0)
        page.locator(".sidebar a.nav-link:has-text('Unassigned')").click()  # a boosted page (htmx swaps the body)
        expect(page).to_have_url(re.compile(r"assignee="))
        expect(tabs).to_have_count(3)
        page.locator(f'[data-ticket-tab="{ids[0]}"] a').click()
        expect(page.locator("#ticket-subject")).to_have_text(subjects[0])
        expect(page.locator(".ticket-tab--active")).to_have_attribute("data-ticket-tab", ids[0])

        # Closing the tab on screen moves to its neighbour; closing another one stays.
        page.locator(f'[data-ticket-tab="{ids[0]}"] [data-close-tab]').click()
        expect(page.locator("#ticket-subject")).to_have_text(subjects[1])
        expect(tabs).to_have_count(2)
        page.locator(f'[data-ticket-tab="{ids[2]}"] [data-close-tab]').click()
        expect(tabs).to_have_count(1)
        expect(page.locator("#ticket-subject")).to_have_text(subjects[1])
        page.reload()
        expect(tabs).to_have_count(1)
        expect(page.locator("[data-ticket-tabs]")).to_be_visible()

        # Another agent signing in on the same browser sees none of them.
        page.locator(".avatar-button").click()
        page.locator("button.menu__item:has-text('Sign out')").click()
        sign_in(page, server, AGENT_EMAIL)
        expect(page.locator("[data-ticket-tab]")).to_have_count(0)
        expect(page.locator("[data-ticket-tabs]")).to_be_hidden()
    finally:
        context.close()


PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_paste_an_image_into_the_editor_format_and_send(server, browser):
    from playwright.sync_api import expect

    context, page = signed_in_page(browser, server, AGENT_EMAIL)
    try:
        page.goto(server + _ticket_urls(page, 4)[3])
        editor = page.locator("#reply-body")
        expect(editor).to_have_attribute("contenteditable", "true")
        expect(page.get_by_role("toolbar", name="Formatting").get_by_role("button")).to_have_count(7)

        editor.click()
        editor.press_sequentially("Here is ")
        editor.press("Control+b")
        editor.press_sequentially("the fix")
        editor.press("Control+b")
        editor.press_sequentially(":")
        page.evaluate(
            """(png) => {
              const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], "clipboard.png", { type: "image/png" }));
              document.getElementById("reply-body").dispatchEvent(
                new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }""",
            PNG_1X1,
        )
        expect(editor.locator("img[data-inline-file]")).to_have_count(1)
        files = page.locator("[data-file-list] li")
        expect(files).to_have_count(1)
        expect(files.first.locator(".composer__file-name")).to_have_text(
            editor.locator("img").get_attribute("data-inline-file")
        )

        inline_name = editor.locator("img").get_attribute("data-inline-file")
        editor.press("End")
        editor.press("Enter")
        page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Bulleted list").click()
        editor.press_sequentially("first step")

        page.click("button:has-text('Send reply')")
        sent = page.locator("#thread .msg--out").last
        expect(sent.locator(".msg__body b")).to_have_text("the fix")
        expect(sent.locator(".msg__body li")).to_have_text("first step")
        image = sent.locator(".msg__body img")
        expect(image).to_have_count(1)
        src = image.get_attribute("src")
        assert src.startswith("/agent/files/") and src.endswith("/")
        page.wait_for_function("img => img.complete && img.naturalWidth === 1", arg=image.element_handle())
        expect(sent.locator(".attachment span").first).to_have_text(inline_name)  # and listed as its file
        expect(editor).to_have_text("")
        expect(page.locator("[data-file-list] li")).to_have_count(0)

        # The internal note box is the same rich editor (images stay out of notes).
        page.get_by_role("tab", name="Internal note").click()
        note = page.locator("#note-body")
        expect(note).to_have_attribute("contenteditable", "true")
        note.press_sequentially("Check ")
        note.press("Control+b")
        note.press_sequentially("billing")
        note.press("Control+b")
        page.click("button:has-text('Add note')")
        added = page.locator("#thread .msg--internal").last
        expect(added.locator(".msg__body b")).to_have_text("billing")
        expect(added.locator(".msg__body")).to_have_text("Check billing")
    finally:
        context.close()


RECORD_PLAYS = """
window.__played = [];
HTMLMediaElement.prototype.play = function () { window.__played.push(this.src); return Promise.resolve(); };
"""


def test_choose_and_upload_sounds_and_hear_the_new_ticket_sound(live, server, browser, tmp_path):
    import httpx
    from playwright.sync_api import expect

    context, page = signed_in_page(browser, server, AGENT_EMAIL)
    context.add_init_script(RECORD_PLAYS)  # the browser's audio element records what it would play
    try:
        page.goto(server + "/agent/settings/sounds/")
        new_ticket = page.locator('[data-sound-setting="new_ticket"]')
        new_ticket.locator("select").select_option("bell")
        new_ticket.get_by_role("button", name="Save").click()
        expect(page.locator("#toasts .toast--success")).to_have_text("Your notification sound was saved.")
        expect(new_ticket.locator("select")).to_have_value("bell")

        # Upload a WAV for new customer messages; a file that is not audio is refused with the reason.
        wav = (PROJECT_DIR / "helpline/static/helpline/sounds/ding.wav").read_bytes()
        fake = tmp_path / "fake.wav"
        fake.write_bytes(b"not a sound at all")
        message = page.locator('[data-sound-setting="new_message"]')
        message.locator("input[type=file]").set_input_files(str(fake))
        message.get_by_role("button", name="Save").click()
        expect(page.locator('[data-sound-setting="new_message"] [data-sound-error]')).to_have_text(
            "That file is not a sound Helpline can play (WAV, MP3, Ogg, FLAC, M4A or WebM)."
        )
        mine = tmp_path / "my-ding.wav"
        mine.write_bytes(wav)
        message = page.locator('[data-sound-setting="new_message"]')
        message.locator("input[type=file]").set_input_files(str(mine))
        message.get_by_role("button", name="Save").click()
        expect(page.locator("#toasts .toast--success")).to_have_text("Your notification sound was saved.")
        expect(message.locator("select option:checked")).to_have_text("Uploaded: my-ding.wav")
        uploaded = message.locator("select option:checked").get_attribute("data-url")
        assert page.evaluate("url => fetch(url).then(r => r.arrayBuffer()).then(b => b.byteLength)", uploaded) == len(
            wav
        )

        # Play previews the chosen sound.
        message.get_by_role("button", name="Play").click()
        page.wait_for_function("() => window.__played.length === 1")
        assert page.evaluate("() => window.__played[0]") == server + uploaded

        # In the inbox, a new ticket (created through the API) sounds the chosen "new ticket" sound.
        page.goto(server + "/agent/")
        _wait_live(page)
        key = live.run("apikey", "create", "--account", "demo").stdout.strip()
        created = httpx.post(
            f"{server}/api/v1/tickets",
            headers={"Authorization": f"Bearer {key}"},
            json={"subject": "Ring ring", "contact": {"email": "sound@example.com"}, "message": {"body": "Hi"}},
        )
        assert created.status_code == 201, created.text
        page.wait_for_function("() => window.__played.length > 0", timeout=LIVE_TIMEOUT_MS)
        assert page.evaluate("() => window.__played") == [server + "/static/helpline/sounds/bell.wav"]
    finally:
        context.close()
