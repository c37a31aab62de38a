"""To solve in a real Chromium against a real `helpline serve`: the header counts the tickets waiting for the
agent, a click opens the most urgent one, a ticket another agent has open goes to the next agent, and an agent who
answers only through To solve is refused elsewhere and answers the handed-out ticket."""

from __future__ import annotations

import pytest

from .support import AGENT_EMAIL, WATCHER_EMAIL, signed_in_page

# Ada and Grace work only Escalations, with a role that sees only their departments' tickets; three tickets wait
# there, due in 1, 2 and 3 hours. Ada answers only through To solve.
SETUP = """
from datetime import timedelta
from helpline.conversations.actions import create_ticket, receive_message
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.people.actions import find_or_create_contact
from helpline.tenancy.actions import (
    change_role, create_department, create_role, set_answer_only_to_solve, set_department_members,
)
from helpline.tenancy.models import Account, DepartmentMember, Membership, User

account = Account.objects.get(slug="demo")
ada = User.objects.get(email="ada@demo.helpline.test")
grace = User.objects.get(email="grace@demo.helpline.test")
DepartmentMember.objects.filter(account=account, user__in=[ada, grace]).delete()
Ticket.objects.filter(account=account, assignee__in=[ada, grace]).update(assignee=None)
escalations = create_department(account=account, name="Escalations")
set_department_members(department=escalations, users=[ada, grace])
role = create_role(account=account, name="Escalations only", permission_keys=["tickets.work"])
for user in (ada, grace):
    change_role(membership=Membership.objects.get(account=account, user=user), role="custom", custom_role=role)
set_answer_only_to_solve(membership=Membership.objects.get(account=account, user=ada), value=True)
contact, _ = find_or_create_contact(account=account, kind="email", value="esc@example.com", name="Esc Customer")
for hours, subject in ((3, "Third in line"), (1, "Most urgent"), (2, "Second in line")):
    ticket = create_ticket(account=account, contact=contact, subject=subject, department=escalations)
    receive_message(ticket=ticket, contact=contact, kind="web", text=subject)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=clock.now() + timedelta(hours=hours))
print("ready")
"""


@pytest.fixture(scope="module")
def server(live_helpline):
    live = live_helpline("helpline-to-solve")
    live.demo()
    assert live.manage_shell(SETUP).splitlines()[-1] == "ready"
    return live.serve()


def test_to_solve_hands_out_the_queue_in_order(server, browser):
    from playwright.sync_api import expect

    ada_context, ada = signed_in_page(browser, server, AGENT_EMAIL)
    expect(ada.locator("[data-to-solve-count]")).to_have_text("3")
    grace_context, grace = signed_in_page(browser, server, WATCHER_EMAIL)
    expect(grace.locator("[data-to-solve-count]")).to_have_text("3")

    # Grace takes the most urgent ticket; while her page is open, Ada gets the next one.
    grace.click("#to-solve button")
    expect(grace.locator("#ticket-subject")).to_have_text("Most urgent")
    ada.click("#to-solve button")
    expect(ada.locator("#ticket-subject")).to_have_text("Second in line")
    handed_out = ada.url

    # Ada answers only through To solve: another ticket refuses her answer, and nothing is sent.
    ada.goto(f"{server}/agent/?q=Third")
    ada.locator("a.ticket-row", has_text="Third in line").click()
    expect(ada.locator("#ticket-subject")).to_have_text("Third in line")
    ada.fill("#reply-body", "Jumping the queue")
    ada.click("button:has-text('Send reply')")
    expect(ada.get_by_text("You answer tickets through To solve: open the next ticket with To solve.")).to_be_visible()
    expect(ada.locator("#thread .msg--out")).to_have_count(0)

    # The ticket To solve handed her takes the answer.
    ada.goto(handed_out)
    ada.fill("#reply-body", "Here is your answer, in order.")
    ada.click("button:has-text('Send reply')")
    expect(ada.locator("#thread .msg--out").last.locator(".msg__body")).to_have_text("Here is your answer, in order.")
    expect(ada.locator("#ticket-status")).to_have_value("answered")

    ada_context.close()
    grace_context.close()
