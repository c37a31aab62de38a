"""A small inbox where each ticket differs from the others in one filtered field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.conversations.actions import (
    assign_ticket,
    change_priority,
    change_status,
    create_custom_field,
    set_ticket_fields,
    tag_ticket,
    transfer_ticket,
)
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.people.actions import create_company, update_contact
from helpline.tenancy.actions import create_brand
from helpline.tenancy.selectors import list_departments


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def inbox(account, agent, make_ticket):
    """Tickets a … f, each with what the filter tests pick out; returned by letter."""
    department = list_departments(account)[0]
    brand = create_brand(account=account, name="Brand B")
    company = create_company(account=account, name="Initech")
    plan = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="dropdown",
                               choices=["Gold", "Silver"])  # fmt: skip
    create_custom_field(account=account, applies_to="ticket", key="note", label="Note", kind="text")
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    create_custom_field(account=account, applies_to="ticket", key="renewal", label="Renewal", kind="date")
    create_custom_field(account=account, applies_to="ticket", key="vip", label="VIP", kind="checkbox")
    t = {letter: make_ticket(account, subject=f"Ticket {letter}", email=f"{letter}@example.com") for letter in "abcdef"}
    change_status(ticket=t["a"], status="open")
    change_priority(ticket=t["b"], priority=3)
    transfer_ticket(ticket=t["c"], department=department)
    assign_ticket(ticket=t["d"], assignee=agent)
    tag_ticket(ticket=t["e"], names=["billing"])
    Ticket.objects.filter(pk=t["f"].pk).update(channel="email", brand=brand)
    update_contact(contact=t["f"].contact, company=company)
    set_ticket_fields(ticket=t["a"], values={"plan": "Gold", "note": "Wants a Refund", "seats": 12,
                                             "renewal": "2026-05-01", "vip": True})  # fmt: skip
    set_ticket_fields(ticket=t["b"], values={"plan": "Silver", "seats": 3, "vip": False})
    now = clock.now()
    for letter, created, due in [
        ("a", at(1), now - timedelta(minutes=5)),  # overdue
        ("b", at(2), now + timedelta(minutes=30)),  # due soon
        ("c", at(3), now + timedelta(days=2)),
        ("d", at(4), None),
        ("e", at(5), None),
        ("f", at(6), None),
    ]:
        Ticket.objects.filter(pk=t[letter].pk).update(created_at=created, last_activity_at=created, sla_due_at=due)
    t["department"], t["brand"], t["company"], t["plan"] = department, brand, company, plan
    return t
