"""SLA in a real Chromium against a real `helpline serve`: create an SLA level and a rule in Settings, then a new
ticket shows its live countdown on the ticket page (per target) and in the inbox."""

from __future__ import annotations

import re

import pytest

from .support import OWNER_EMAIL, signed_in_page

TICKET = """
from helpline.conversations.actions import create_ticket, receive_message
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account

account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="late@example.com", name="Lena Late")
ticket = create_ticket(account=account, contact=contact, subject="Where is my parcel?")
receive_message(ticket=ticket, contact=contact, kind="web", text="It is late.")
ticket.refresh_from_db()
print(ticket.public_id, ticket.sla_due_at.isoformat() if ticket.sla_due_at else "-")
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-sla")
    live.demo()
    return live, live.serve()


def test_a_level_made_in_settings_gives_new_tickets_a_countdown(server, browser):
    from playwright.sync_api import expect

    live, base_url = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL)
    page.goto(f"{base_url}/agent/settings/sla-levels/")
    page.get_by_role("link", name="New SLA level").click()
    form = page.locator("[data-sla-level-form]")
    form.get_by_label("Name", exact=True).fill("Express")
    form.get_by_label("First response: Normal").fill("90")
    form.get_by_label("Resolution: Normal").fill("600")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The SLA level was saved.")).to_be_visible()

    page.goto(f"{base_url}/agent/settings/sla-rules/")
    page.get_by_role("link", name="New SLA rule").click()
    rule = page.locator("[data-sla-rule-form]")
    rule.get_by_label("Name", exact=True).fill("Everyone")
    rule.get_by_label("SLA level").select_option(label="Express")
    rule.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The SLA rule was saved.")).to_be_visible()

    ticket_id, due = live.manage_shell(TICKET).splitlines()[-1].split(" ")
    assert due != "-"

    page.goto(f"{base_url}/agent/tickets/{ticket_id}/")
    card = page.locator("#ticket-sla")
    expect(card).to_contain_text("Express")
    first = card.locator('[data-sla-target="first_response"] [data-sla-due]')
    expect(first).to_have_text(re.compile(r"^Due in 1 hr 2\d min$"))  # 90 minutes, counting down live
    expect(card.locator('[data-sla-target="resolution"] [data-sla-due]')).to_have_text(re.compile(r"^Due in 9 hr"))

    page.goto(f"{base_url}/agent/")
    row = page.locator(f'[data-ticket-row="{ticket_id}"] [data-sla-due]')
    expect(row).to_have_text(re.compile(r"^Due in 1 hr 2\d min$"))
    context.close()
