"""The notification centre in a real Chromium against a real `helpline serve`: Grace assigns a ticket to Ada; Ada's
bell goes from 0 to 1 without a reload, its dropdown shows the exact text, marking it read brings the count back to
0. Ada switches browser notifications on in her preferences (the browser's permission is asked on that click)."""

from __future__ import annotations

import json

import pytest

from .support import AGENT_EMAIL, WATCHER_EMAIL, signed_in_page

SETUP = """
import json
from helpline.conversations.actions import create_ticket, receive_message
from helpline.notifications.models import Notification
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account, User

account = Account.objects.get(slug="demo")
ada = User.objects.get(email="ada@demo.helpline.test")
contact, _ = find_or_create_contact(account=account, kind="email", value="kettle@example.com", name="Kim Kettle")
ticket = create_ticket(account=account, contact=contact, subject="Broken kettle")
receive_message(ticket=ticket, contact=contact, kind="web", text="It does not boil.")
Notification.objects.filter(recipient=ada).delete()
print(json.dumps({"id": ticket.public_id, "code": ticket.code}))
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-notifications")
    live.demo()
    ticket = json.loads(live.manage_shell(SETUP).splitlines()[-1])
    return {"base": live.serve(), "ticket": ticket}


def test_an_assignment_rings_the_assignees_bell_live(server, browser):
    from playwright.sync_api import expect

    base, ticket = server["base"], server["ticket"]
    ada_context, ada = signed_in_page(browser, base, AGENT_EMAIL)
    grace_context, grace = signed_in_page(browser, base, WATCHER_EMAIL)
    try:
        count = ada.locator("[data-notification-count]")
        expect(count).to_have_text("0")
        expect(ada.locator("[data-live-indicator]")).to_have_attribute("data-state", "live")

        grace.goto(f"{base}/agent/tickets/{ticket['id']}/")
        grace.locator("#ticket-assignee").select_option(label="Ada Lovelace")
        expect(grace.locator("#ticket-assignee option:checked")).to_have_text("Ada Lovelace")

        expect(count).to_have_text("1")  # live, no reload
        ada.locator("[data-notification-toggle]").click()
        item = ada.locator("#notification-dropdown .notification")
        expect(item).to_have_count(1)
        expect(item.locator(".notification__text")).to_have_text(
            f"Grace Hopper assigned {ticket['code']} to you: Broken kettle"
        )
        expect(item).to_have_class("notification notification--unread")

        item.locator("[data-notification-read]").click()
        expect(count).to_have_text("0")
        expect(ada.locator("#notification-dropdown .notification")).to_have_class("notification ")
        ada.reload()
        expect(ada.locator("[data-notification-count]")).to_have_text("0")  # stored, not only shown
    finally:
        ada_context.close()
        grace_context.close()


def test_browser_notifications_are_switched_on_in_the_preferences(server, browser):
    from playwright.sync_api import expect

    base = server["base"]
    context, page = signed_in_page(browser, base, AGENT_EMAIL)
    try:
        context.grant_permissions(["notifications"], origin=base)
        page.goto(f"{base}/agent/settings/notifications/")
        box = page.locator("input[name='assigned.browser']")
        expect(box).not_to_be_checked()
        box.check()
        expect(page.locator("[data-permission-message]")).to_be_hidden()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Your notification settings were saved.")).to_be_visible()
        expect(page.locator("input[name='assigned.browser']")).to_be_checked()
        assert page.evaluate("Notification.permission") == "granted"
    finally:
        context.close()
