"""Webhooks and the satisfaction survey in a real Chromium against a real `helpline serve`: an owner allows the
loopback range, creates a webhook to a recording server, copies the secret shown once and sends a test event
whose signature checks out; a customer rates a ticket through the survey link without signing in, and the
agent sees the rating on the ticket."""

from __future__ import annotations

import time

import pytest

from helpline.testing.recording_server import recording_server
from helpline.webhooks.signing import verify

from .support import AGENT_EMAIL, OWNER_EMAIL, signed_in_page

SETUP = """
from helpline.conversations.actions import create_ticket, receive_message
from helpline.people.actions import find_or_create_contact
from helpline.surveys.tokens import make_token
from helpline.tenancy.models import Account

account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="rita@example.com", name="Rita Rater")
ticket = create_ticket(account=account, contact=contact, subject="Kettle survey", channel="email")
receive_message(ticket=ticket, contact=contact, kind="email", text="It does not boil.")
print(ticket.public_id, make_token(ticket))
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-webhooks")
    live.demo()
    ticket_id, token = live.manage_shell(SETUP).splitlines()[-1].split(" ", 1)
    return live.serve(), ticket_id, token


def test_an_owner_creates_a_webhook_and_sends_a_signed_test_event(server, browser):
    from playwright.sync_api import expect

    base_url, _ticket_id, _token = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL)
    with recording_server() as receiver:
        page.goto(f"{base_url}/agent/settings/webhooks/")
        page.fill("textarea[name=allowed_ranges]", "127.0.0.0/8")
        page.get_by_role("button", name="Save ranges").click()
        expect(page.get_by_text("The allowed address ranges were saved.")).to_be_visible()

        page.get_by_role("link", name="New webhook").click()
        page.fill("input[name=name]", "Receiver")
        page.fill("input[name=url]", receiver.url + "/hook")
        page.get_by_label("Ticket created").check()
        page.get_by_role("button", name="Save").click()
        secret = page.locator("#webhook-secret").input_value()
        assert secret.startswith("whsec_")
        page.get_by_role("link", name="Done").click()
        expect(page.locator("input[name=name]")).to_have_value("Receiver")
        assert secret not in page.content()

        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_text("The test event was delivered (200).")).to_be_visible()
        expect(page.locator("[data-delivery-log] tbody tr")).to_have_count(1)
        expect(page.locator("[data-delivery-log] tbody tr")).to_contain_text("webhook.test")
        expect(page.locator("[data-delivery-log] tbody tr strong")).to_have_text("200")
        [request] = receiver.requests
    assert request.json()["type"] == "webhook.test"
    assert verify(secret, request.headers["x-helpline-signature"], request.body, now=int(time.time()))
    context.close()


def test_a_customer_rates_without_signing_in_and_the_agent_sees_it(server, browser):
    from playwright.sync_api import expect

    base_url, ticket_id, token = server
    customer = browser.new_context()
    page = customer.new_page()
    page.goto(f"{base_url}/survey/{token}/")
    expect(page.locator("h1")).to_have_text("How did we do?")
    page.get_by_label("Bad, I was not helped").check()
    page.fill("textarea[name=comment]", "It still does not boil.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thank you! Your answer has been saved.")).to_be_visible()
    expect(page.get_by_text("You have rated this request already.")).to_be_visible()
    customer.close()

    context, agent_page = signed_in_page(browser, base_url, AGENT_EMAIL)
    agent_page.goto(f"{base_url}/agent/tickets/{ticket_id}/")
    rating = agent_page.locator("[data-ticket-rating]")
    expect(rating).to_contain_text("Bad")
    expect(rating).to_contain_text("It still does not boil.")
    context.close()
