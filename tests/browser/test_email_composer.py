"""The email tools of the ticket page in a real Chromium against a real `helpline serve`: an email ticket with
quoted history, a CC, a file dropped onto the composer, and the reply with its attachment in the thread."""

from __future__ import annotations

import pytest

from .support import OWNER_EMAIL, signed_in_page

SUBJECT = "Kettle still leaking"
MAIL_TEMPLATE = (
    "From: Carla Customer <carla@example.com>\r\n"
    "To: support@demo.helpline.test\r\n"
    f"Subject: {SUBJECT}\r\n"
    "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
    "Message-ID: <kettle-browser-1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/alternative; boundary="b-1"\r\n'
    "\r\n"
    "--b-1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "The kettle still leaks.\r\n\r\nOn Mon, 2 Mar 2026, Demo support wrote:\r\n> Please restart the kettle.\r\n"
    "--b-1\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    '<p>The kettle <b>still</b> leaks. <a href="{link}">Manual</a></p><p>On Mon, 2 Mar 2026, Demo support wrote:</p>'
    "<blockquote>Please restart the kettle.</blockquote>\r\n"
    "--b-1--\r\n"
)


@pytest.fixture(scope="module")
def server(live_helpline):
    """The demo account, one email from a customer piped in as an MTA would, and `helpline serve`."""
    live = live_helpline("helpline-email-browser")
    base_url = live.base_url
    live.demo()
    piped = live.run(
        "ingest-email",
        "--account",
        "demo",
        "--mailbox",
        "support@demo.helpline.test",
        input=MAIL_TEMPLATE.replace("{link}", f"{base_url}/healthz").encode(),
        text=False,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    find = f"from helpline.conversations.models import Ticket; print(Ticket.objects.get(subject={SUBJECT!r}).public_id)"
    ticket_id = live.manage_shell(find).splitlines()[-1]
    return live.serve(), ticket_id


def test_reply_with_cc_and_a_dropped_file_to_an_email_with_quoted_history(server, browser):
    from playwright.sync_api import expect

    base_url, ticket_id = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL, check_pages=True)
    page.goto(f"{base_url}/agent/tickets/{ticket_id}/")
    expect(page.locator("#ticket-subject")).to_have_text(SUBJECT)

    # The mail's own HTML is in a sandboxed frame, sized to its text; its quoted history is folded away.
    mail = page.locator("#thread .msg--in").first
    expect(mail.locator("iframe[data-email-frame]").first).to_have_attribute("sandbox", "allow-same-origin")
    expect(page.frame_locator("#thread .msg--in iframe[data-email-frame]").first.locator("body")).to_have_text(
        "The kettle still leaks. Manual"
    )
    # A link in the mail opens in a new tab, from the workspace: the frame itself runs no script.
    with context.expect_page() as opened:
        page.frame_locator("#thread .msg--in iframe[data-email-frame]").first.locator("a").click()
    assert opened.value.url == f"{base_url}/healthz"
    opened.value.close()
    expect(page).to_have_url(f"{base_url}/agent/tickets/{ticket_id}/")
    height = mail.locator("iframe[data-email-frame]").first.evaluate("f => f.getBoundingClientRect().height")
    assert 15 < height < 100
    expect(mail.locator(".msg__reason")).to_have_text("New ticket: nothing matched")
    toggle = mail.locator("[data-quote-toggle]")
    quoted = mail.locator(".msg__quoted")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(quoted).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Hide quoted text")
    expect(quoted).to_be_visible()
    expect(page.frame_locator(".msg__quoted iframe").locator("blockquote")).to_have_text("Please restart the kettle.")
    toggle.focus()
    page.keyboard.press("Enter")  # the keyboard folds it again
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(quoted).to_be_hidden()

    # To is the requester; Cc/Bcc open on demand.
    expect(page.locator("#reply-to")).to_have_value("carla@example.com")
    expect(page.locator("#reply-cc")).to_be_hidden()
    page.click("button:has-text('Cc/Bcc')")
    page.fill("#reply-cc", "dan@example.com")

    # A file dropped onto the composer is listed, and can be removed again.
    drop = page.evaluate_handle(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(["serial K-200"], "serial.txt", { type: "text/plain" }));
          data.items.add(new File(["oops"], "wrong.txt", { type: "text/plain" }));
          return data;
        }"""
    )
    page.dispatch_event("#reply-body", "drop", {"dataTransfer": drop})
    files = page.locator("[data-file-list] li")
    expect(files).to_have_count(2)
    page.click("button[aria-label='Remove wrong.txt']")
    expect(files).to_have_count(1)
    expect(files.first.locator(".composer__file-name")).to_have_text("serial.txt")

    page.fill("#reply-body", "Here is the serial number you asked for.")
    page.click("button:has-text('Send reply')")
    reply = page.locator("#thread .msg--out").last
    expect(reply.locator(".msg__body")).to_have_text("Here is the serial number you asked for.")
    expect(reply.locator(".attachment span").first).to_have_text("serial.txt")
    expect(reply.locator(".msg__recipients")).to_contain_text("Cc: dan@example.com")
    expect(page.locator("[data-file-list] li")).to_have_count(0)
    expect(page.locator("#reply-body")).to_have_text("")
    expect(page.locator("#reply-cc")).to_be_hidden()  # the fresh composer folds Cc/Bcc away again

    # Forward the customer's mail from its message: the composer switches to forward mode in place.
    mail.locator("a.msg__action").click()
    expect(page.locator("#forward-to")).to_be_focused()
    expect(page.locator(".composer__forwarding")).to_contain_text("Forwarding the message of Carla Customer")
    page.fill("#forward-to", "supplier@example.net")
    page.fill("#forward-body", "Can you replace it?")
    page.click("#composer button:has-text('Forward')[type=submit]")
    forward = page.locator("#thread .msg--out").last
    expect(forward.locator(".msg__kind")).to_have_text("Forward")
    expect(forward.locator(".msg__recipients")).to_have_text("To: supplier@example.net")
    expect(page.locator("#reply-body")).to_be_visible()
    context.close()
