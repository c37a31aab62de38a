"""Split a ticket in a real Chromium against a real `helpline serve`: from a chosen message onward into a new
ticket for another agent; the new ticket shows exactly the moved messages, the original keeps the earlier ones,
on screen and in the database."""

from __future__ import annotations

import json

import pytest

from .support import AGENT_EMAIL, OWNER_EMAIL, signed_in_page

TIMEOUT_MS = 15000
BODIES = ["First: the printer is on fire.", "Second: still burning.", "Third: a new question about invoices.",
          "Fourth: and the invoice address."]  # fmt: skip

MAKE_TICKET = f"""
import json
from helpline.conversations.actions import create_ticket, receive_message
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account, User
account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="splitter@example.com", name="Sam Splitter")
ticket = create_ticket(account=account, contact=contact, subject="Printer and invoices", channel="web")
messages = [receive_message(ticket=ticket, contact=contact, kind="web", text=body) for body in {BODIES!r}]
agent = User.objects.get(email="{AGENT_EMAIL}")
print(json.dumps({{"ticket": ticket.public_id, "messages": [m.public_id for m in messages], "agent": agent.public_id}}))
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-split")
    live.demo()
    made = json.loads(live.manage_shell(MAKE_TICKET).splitlines()[-1])
    return {"base": live.serve(), "live": live, **made}


def _stored(live, public_id: str) -> dict:
    code = (
        "import json; from helpline.conversations.models import Ticket, Message; "
        f"t = Ticket.objects.get(public_id={public_id!r}); "
        "print(json.dumps({'subject': t.subject, 'assignee': t.assignee.email if t.assignee else None, "
        "'bodies': list(Message.objects.filter(ticket=t, kind='web').order_by('created_at', 'id')"
        ".values_list('body_text', flat=True)), "
        "'ids': list(Message.objects.filter(ticket=t, kind='web').order_by('created_at', 'id')"
        ".values_list('public_id', flat=True))}))"
    )
    return json.loads(live.manage_shell(code).splitlines()[-1])


def test_split_a_ticket_from_a_chosen_message(server, browser):
    from playwright.sync_api import expect

    base, live, original, moved = server["base"], server["live"], server["ticket"], server["messages"]
    context, page = signed_in_page(browser, base, OWNER_EMAIL)
    try:
        page.goto(f"{base}/agent/tickets/{original}/")
        bodies = page.locator("#thread .msg .msg__body")
        expect(bodies).to_have_text(BODIES)

        page.click(f'[data-split="{moved[2]}"]')  # split from the third message onward
        form = page.locator(f'[data-split-form="{moved[2]}"]')
        expect(form).to_be_visible(timeout=TIMEOUT_MS)
        form.locator("input[name=subject]").fill("Invoices")
        form.locator("select[name=assignee]").select_option(server["agent"])
        form.get_by_role("button", name="Split into a new ticket").click()

        page.wait_for_url(lambda url: "/agent/tickets/" in url and original not in url, timeout=TIMEOUT_MS)
        new = page.url.rstrip("/").rsplit("/", 1)[-1]
        expect(page.locator(".toast, .alert").first).to_contain_text("Split into ticket #")
        expect(bodies).to_have_text(BODIES[2:])
        assert _stored(live, new) == {
            "subject": "Invoices", "assignee": AGENT_EMAIL, "bodies": BODIES[2:], "ids": moved[2:],
        }  # fmt: skip

        page.goto(f"{base}/agent/tickets/{original}/")
        expect(bodies).to_have_text(BODIES[:2])
        assert _stored(live, original) == {
            "subject": "Printer and invoices", "assignee": None, "bodies": BODIES[:2], "ids": moved[:2],
        }  # fmt: skip
    finally:
        context.close()
