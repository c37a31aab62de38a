"""Settings → Time rules in a real Chromium against a real `helpline serve`: build a time rule with the form editor
(the wait, the clock, a condition, an action), save it, test it on a ticket whose customer has waited, let the
sweep act, see the log, and switch it off."""

from __future__ import annotations

import json

import pytest

from .support import OWNER_EMAIL, signed_in_page

WAITING = """
from datetime import timedelta
from helpline.conversations.actions import create_ticket, receive_message
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.models import Account

account = Account.objects.get(slug="demo")
contact, _ = find_or_create_contact(account=account, kind="email", value="waiting@example.com", name="Wanda")
ticket = create_ticket(account=account, contact=contact, subject="Still waiting")
receive_message(ticket=ticket, contact=contact, kind="web", text="Hello?")
Ticket.objects.filter(pk=ticket.pk).update(status="open", last_customer_message_at=clock.now() - timedelta(hours=3))
print(ticket.code)
"""

SWEEP = """
from helpline.automation.timerules.sweep import sweep
from helpline.conversations.models import Ticket
outcome = sweep()
print(outcome.fired, ",".join(sorted(Ticket.objects.get(code="{code}").tags.values_list("name", flat=True))), sep="|")
"""

RULES = """
import json
from helpline.automation.models import TimeRule
rules = TimeRule.objects.filter(account__slug="demo")
print(json.dumps([[r.name, r.enabled, r.clock, r.after_minutes, r.hours, r.conditions, r.actions] for r in rules]))
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-time-rules")
    live.run("migrate", timeout=600)  # apart from the demo's own time limit: slow on a loaded machine
    live.demo()
    return live, live.serve()


def test_create_test_run_and_switch_off_a_time_rule(server, browser):
    from playwright.sync_api import expect

    live, base_url = server
    context, page = signed_in_page(browser, base_url, OWNER_EMAIL)
    page.goto(f"{base_url}/agent/settings/time-rules/")
    page.get_by_role("link", name="New time rule").click()

    form = page.locator("[data-time-rule-form]")
    form.get_by_label("Name", exact=True).fill("Nudge after two hours")
    form.get_by_label("Amount", exact=True).fill("2")
    form.get_by_label("Unit", exact=True).select_option("hours")
    form.locator("select[name=clock]").select_option("customer_message")
    form.locator("select[name=hours]").select_option("calendar")
    form.locator("[data-add-group]").click()
    condition = form.locator("[data-condition]").first
    condition.get_by_label("Field", exact=True).select_option("ticket.status")
    condition.get_by_label("Operator", exact=True).select_option("eq")
    condition.get_by_label("Value", exact=True).select_option("open")
    form.locator("[data-add-action]").click()
    action = form.locator("[data-action]").first
    expect(action.get_by_label("Action", exact=True)).to_have_value("add_tags")
    action.get_by_label("Tags", exact=True).fill("nudged")
    form.get_by_role("button", name="Save").click()

    expect(page.locator("#toasts")).to_contain_text("The time rule was saved.")
    saved = json.loads(live.manage_shell(RULES).splitlines()[-1])
    assert saved == [[
        "Nudge after two hours", True, "customer_message", 120, "calendar",
        {"match": "all", "groups": [{"match": "all", "conditions": [
            {"field": "ticket.status", "op": "eq", "value": "open"}]}]},
        [{"type": "add_tags", "tags": ["nudged"]}],
    ]]  # fmt: skip
    page.reload()
    expect(form.get_by_label("Amount", exact=True)).to_have_value("2")
    expect(form.get_by_label("Unit", exact=True)).to_have_value("hours")

    code = live.manage_shell(WAITING).splitlines()[-1]
    test = page.locator("#rule-test")
    test.get_by_label("Ticket code", exact=True).fill(code)
    test.get_by_role("button", name="Test").click()
    expect(test.locator("[data-would-fire='true']")).to_contain_text("The next check would act.")
    expect(test.locator("[data-action-results]")).to_contain_text("Add tags: nudged")

    assert live.manage_shell(SWEEP.replace("{code}", code)).splitlines()[-1] == "1|nudged"
    assert live.manage_shell(SWEEP.replace("{code}", code)).splitlines()[-1] == "0|nudged"
    page.reload()
    expect(page.locator("[data-rule-log] [data-execution='applied']")).to_contain_text(code)

    page.goto(f"{base_url}/agent/settings/time-rules/")
    row = page.locator("[data-rule]", has_text="Nudge after two hours")
    row.locator("[data-toggle]").click()
    expect(page.locator("[data-rule]", has_text="Nudge after two hours").locator("[data-toggle]")).to_have_text("Off")
    assert json.loads(live.manage_shell(RULES).splitlines()[-1])[0][1] is False
    context.close()
