"""Settings → Event rules in a real Chromium against a real `helpline serve`: build a rule with the form editor
(a condition group, two actions), save it, see it act on a new ticket, test it on a ticket, and switch it off."""

from __future__ import annotations

import json

import pytest

from .support import OWNER_EMAIL, signed_in_page

TICKET = """
from helpline.conversations.actions import create_ticket, receive_message
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account

account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="pyro@example.com", name="Pyro")
ticket = create_ticket(account=account, contact=contact, subject="{subject}")
receive_message(ticket=ticket, contact=contact, kind="web", text="Smoke everywhere.")
ticket.refresh_from_db()
print(ticket.code, ticket.priority, ",".join(sorted(ticket.tags.values_list("name", flat=True))), sep="|")
"""

RULES = """
import json
from helpline.automation.models import Rule
rules = Rule.objects.filter(account__slug="demo")
print(json.dumps([[r.name, r.enabled, r.trigger, r.conditions, r.actions] for r in rules]))
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-rules")
    live.demo()
    return live, live.serve()


def test_build_save_run_test_and_switch_off_a_rule(server, browser):
    from playwright.sync_api import expect

    live, base_url = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL)
    page.goto(f"{base_url}/agent/settings/event-rules/")
    page.get_by_role("link", name="New event rule").click()

    form = page.locator("[data-rule-form]")
    form.get_by_label("Name", exact=True).fill("Fires are urgent")
    form.locator("select[name=trigger]").select_option("ticket_created")
    form.locator("[data-add-group]").click()
    condition = form.locator("[data-condition]").first
    condition.get_by_label("Field", exact=True).select_option("ticket.subject")
    condition.get_by_label("Operator", exact=True).select_option("contains")
    condition.get_by_label("Value", exact=True).fill("fire")
    form.locator("[data-add-action]").click()
    first = form.locator("[data-action]").nth(0)
    first.get_by_label("Action", exact=True).select_option("set_priority")
    first.get_by_label("Priority", exact=True).select_option("urgent")
    form.locator("[data-add-action]").click()
    second = form.locator("[data-action]").nth(1)
    expect(second.get_by_label("Action", exact=True)).to_have_value("add_tags")
    second.get_by_label("Tags", exact=True).fill("hot, printer")
    form.get_by_role("button", name="Save").click()

    expect(page.locator("#toasts")).to_contain_text("The event rule was saved.")
    saved = json.loads(live.manage_shell(RULES).splitlines()[-1])
    assert saved == [[
        "Fires are urgent", True, "ticket_created",
        {"match": "all", "groups": [{"match": "all", "conditions": [
            {"field": "ticket.subject", "op": "contains", "value": "fire"}]}]},
        [{"type": "set_priority", "priority": "urgent"}, {"type": "add_tags", "tags": ["hot", "printer"]}],
    ]]  # fmt: skip

    # The editor shows the saved rule again as a form.
    page.reload()
    expect(form.locator("[data-condition]").first.get_by_label("Value", exact=True)).to_have_value("fire")
    expect(form.locator("[data-action]").nth(1).get_by_label("Tags", exact=True)).to_have_value("hot, printer")

    code, priority, tags = live.manage_shell(TICKET.replace("{subject}", "Printer on fire")).splitlines()[-1].split("|")
    assert (priority, tags) == ("4", "hot,printer")
    calm, calm_priority, calm_tags = (
        live.manage_shell(TICKET.replace("{subject}", "Paper jam")).splitlines()[-1].split("|")
    )
    assert (calm_priority, calm_tags) == ("2", "")

    test = page.locator("#rule-test")
    test.get_by_label("Ticket code", exact=True).fill(calm)
    test.get_by_role("button", name="Test").click()
    expect(test.locator("[data-test-result]")).to_contain_text(f"The conditions do not hold for ticket {calm}")
    expect(test.locator("[data-condition-result]")).to_contain_text("Paper jam")
    expect(test.locator("[data-action-results]")).to_contain_text("Set priority to Urgent")

    expect(page.locator("[data-rule-log] [data-execution]")).to_have_count(0)
    page.reload()
    expect(page.locator("[data-rule-log] [data-execution='applied']")).to_contain_text(code)

    page.goto(f"{base_url}/agent/settings/event-rules/")
    row = page.locator("[data-rule]", has_text="Fires are urgent")
    row.locator("[data-toggle]").click()
    expect(page.locator("[data-rule]", has_text="Fires are urgent").locator("[data-toggle]")).to_have_text("Off")
    assert json.loads(live.manage_shell(RULES).splitlines()[-1])[0][1] is False
    context.close()
