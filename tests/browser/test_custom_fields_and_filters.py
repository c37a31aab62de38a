"""Custom fields and saved filters in a real Chromium against a real `helpline serve`: an admin defines a
dropdown field, an agent sets it in the ticket's side panel, filters the inbox by it and saves the filter,
which then shows in the sidebar with its live count."""

from __future__ import annotations

import re

import pytest

from .support import OWNER_EMAIL, signed_in_page

SETUP = """
from helpline.conversations.actions import create_ticket, receive_message
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account

account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="vera@example.com", name="Vera Field")
ticket = create_ticket(account=account, contact=contact, subject="Upgrade our plan please")
receive_message(ticket=ticket, contact=contact, kind="web", text="We need more seats.")
print(ticket.public_id)
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-fields")
    live.demo()
    ticket_id = live.manage_shell(SETUP).splitlines()[-1].strip()
    return live.serve(), ticket_id


def test_define_set_filter_and_save(server, browser):
    from playwright.sync_api import expect

    base_url, ticket_id = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL)

    # Settings → Custom fields: a dropdown for tickets
    page.goto(f"{base_url}/agent/settings/custom-fields/")
    new = page.locator("form", has=page.get_by_role("button", name="Create field"))
    new.get_by_label("Label").fill("Support plan")
    new.get_by_label("Key", exact=True).fill("plan")
    new.get_by_label("Type").select_option("dropdown")
    new.get_by_label("Choices, one a line").fill("Gold\nSilver")
    new.get_by_role("button", name="Create field").click()
    expect(page.locator("[data-field-group=ticket] [data-custom-field]")).to_have_count(1)

    # The ticket's side panel: set the field (htmx swaps the panel)
    page.goto(f"{base_url}/agent/tickets/{ticket_id}/")
    form = page.locator("[data-custom-fields=ticket]")
    form.get_by_label("Support plan").select_option("Gold")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("[data-custom-fields=ticket]").get_by_label("Support plan")).to_have_value("Gold")

    # The inbox: filter by the field, then save the filter as a shared one
    page.goto(f"{base_url}/agent/?cf.plan=Gold")
    expect(page.locator("[data-ticket-row]")).to_have_count(1)
    expect(page.locator("[data-ticket-row]")).to_contain_text("Upgrade our plan please")
    page.get_by_placeholder("Name this filter").fill("Gold customers")
    page.get_by_label("Share with the team").check()
    page.get_by_role("button", name="Save filter").click()
    saved = page.locator("[data-saved-filter]")
    expect(saved).to_have_count(1)
    expect(saved).to_contain_text("Gold customers")
    expect(saved.locator("[data-saved-filter-count]")).to_have_text("1")

    # The saved filter in the sidebar opens the inbox under it
    page.goto(f"{base_url}/agent/")
    page.locator("[data-saved-filter] a").click()
    expect(page).to_have_url(re.compile(r"cf\.plan=Gold"))
    expect(page.locator("[data-ticket-row]")).to_have_count(1)
    context.close()
