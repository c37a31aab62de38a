"""Settings → Mailboxes in a real Chromium against a real `helpline serve`: an admin adds an IMAP mailbox that
reads a real Dovecot, presses "Test connection", and sees every step succeed."""

from __future__ import annotations

import pytest

from helpline.channels.email.transports.tests.fake_oauth import start_oauth
from helpline.channels.email.transports.tests.servers import PASSWORD as MAIL_PASSWORD
from helpline.channels.email.transports.tests.servers import remove_dovecot, start_dovecot

from .support import OWNER_EMAIL, signed_in_page


@pytest.fixture(scope="module")
def dovecot():
    oauth = start_oauth()
    server = start_dovecot(oauth.url)
    yield server
    remove_dovecot(server)
    oauth.shutdown()


@pytest.fixture(scope="module")
def server(dovecot, live_helpline):
    """`helpline serve` on the demo data; it trusts the test Dovecot's certificate as it would a real CA's."""
    live = live_helpline("helpline-email-settings", SSL_CERT_FILE=str(dovecot.ca_file))
    live.demo()
    return live.serve()


def test_add_an_imap_mailbox_and_test_its_connection(server, dovecot, browser):
    from playwright.sync_api import expect

    user = dovecot.new_user()
    context, page = signed_in_page(browser, server, OWNER_EMAIL)

    page.goto(f"{server}/agent/settings/")
    page.get_by_role("link", name="Mailboxes").click()
    expect(page.locator("h1.page-title")).to_have_text("Mailboxes")
    page.get_by_role("link", name="Add a mailbox").click()

    form = page.locator("[data-mailbox-form]")
    form.locator("input[name=address]").fill("imap-test@demo.helpline.test")
    form.locator("input[name=name]").fill("IMAP test")
    form.locator("select[name=inbound]").select_option("imap")
    expect(form.locator("[data-server-settings]")).to_be_visible()
    expect(form.locator("[data-forward-settings]")).to_be_hidden()
    form.locator("input[name=host]").fill("127.0.0.1")
    form.locator("select[name=security]").select_option("ssl")
    form.locator("input[name=port]").fill(str(dovecot.ports["imaps"]))
    form.locator("input[name=username]").fill(user)
    form.locator("input[name=password]").fill(MAIL_PASSWORD)
    form.get_by_role("button", name="Create mailbox").click()

    expect(page.locator(".toast--success")).to_contain_text("Mailbox imap-test@demo.helpline.test created.")
    expect(page.locator("input[name=password]")).to_have_value("")
    assert MAIL_PASSWORD not in page.content()

    page.locator("[data-test-button]").click()
    report = page.locator("#mailbox-test-results [data-test-results]")
    expect(report).to_have_attribute("data-all-ok", "true", timeout=20_000)
    inbound = report.locator("[data-direction=inbound] [data-step]")
    expect(inbound).to_have_count(5)
    assert [inbound.nth(i).get_attribute("data-step") for i in range(5)] == [
        "dns", "connect", "tls", "login", "folder",
    ]  # fmt: skip
    expect(report.locator("[data-ok=false]")).to_have_count(0)
    expect(report.locator("[data-step=login]")).to_contain_text(f"Signed in as {user}")
    expect(report.locator("[data-step=folder]")).to_contain_text("INBOX has 0 messages")
    expect(report.locator("[data-direction=outbound] [data-step=setup]")).to_contain_text(
        "replies use the server-wide one"
    )
    expect(report.locator(".alert--success")).to_have_text("Every step succeeded.")
    context.close()
