"""Canned messages in the reply box, in a real Chromium against a real `helpline serve`: typing "/ref" opens the
listbox of the agent's canned messages, arrows move through it, and Enter inserts the snippet rendered for the
ticket at the cursor."""

from __future__ import annotations

import pytest

from .support import AGENT_EMAIL, signed_in_page

SETUP = """
from helpline.conversations.actions import create_ticket, receive_message
from helpline.core.actors import Actor
from helpline.people.actions import find_or_create_contact
from helpline.replies.actions import create_canned_message
from helpline.tenancy.models import Account, User

account = Account.objects.get(slug="demo")
agent = User.objects.get(email="ada@demo.helpline.test")
actor = Actor(user=agent)
contact, _ = find_or_create_contact(account=account, kind="email", value="dora@example.com", name="Dora <Doe>")
ticket = create_ticket(account=account, contact=contact, subject="Refund please")
receive_message(ticket=ticket, contact=contact, kind="web", text="I want my money back.")
create_canned_message(
    account=account, name="Refund approved", shortcut="refund", actor=actor,
    body="Hi {{ contact.name }}, the refund for {{ ticket.code }} is approved. {{ agent.name }}",
)
create_canned_message(account=account, name="Referral", shortcut="referral", body="Our referral link.", actor=actor)
create_canned_message(account=account, name="Hello", shortcut="hello", body="Hello!", actor=actor)
print(ticket.public_id, ticket.code, agent.alias or agent.display_name)
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-canned")
    live.demo()
    ticket_id, code, agent_name = live.manage_shell(SETUP).splitlines()[-1].split(" ", 2)
    return live.serve(), ticket_id, code, agent_name


def test_slash_shortcut_inserts_the_rendered_snippet_at_the_cursor(server, browser):
    from playwright.sync_api import expect

    base_url, ticket_id, code, agent_name = server
    context, page = signed_in_page(browser, base_url, AGENT_EMAIL)
    page.goto(f"{base_url}/agent/tickets/{ticket_id}/")
    box = page.locator("#reply-body")
    box.click()
    box.press_sequentially("Thanks. /ref")

    listbox = page.get_by_role("listbox", name="Canned messages")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Referral")  # by name: "Referral" < "Refund approved"
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")

    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    box.press("Enter")

    expect(listbox).to_be_hidden()
    expected = f"Thanks. Hi Dora <Doe>, the refund for {code} is approved. {agent_name}"
    expect(box).to_have_text(expected)  # the rich editor (editor.js); typing on below proves the caret is at the end

    # Escape closes the list without inserting anything; typing on goes on as normal text.
    box.press_sequentially(" /hel")
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_text(expected + " /hel")
    context.close()
