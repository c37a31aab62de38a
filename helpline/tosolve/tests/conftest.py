"""Fixtures for To solve: departments with members, agents who see only their departments, tickets placed at
chosen due times and activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.conversations.models import Ticket
from helpline.core import clock as core_clock
from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
from helpline.tenancy.models import Department, Membership

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def now(monkeypatch):
    """The controlled clock: set ``now.at``."""

    class Clock:
        at = NOW

    monkeypatch.setattr(core_clock, "now", lambda: Clock.at)
    return Clock


@pytest.fixture
def support(account) -> Department:
    return Department.objects.get(account=account, name="Support")


@pytest.fixture
def billing(account) -> Department:
    return create_department(account=account, name="Billing")


@pytest.fixture
def membership(account, agent, support) -> Membership:
    """Alice: an agent of Support."""
    set_department_members(department=support, users=[agent])
    return Membership.objects.select_related("account").get(account=account, user=agent)


@pytest.fixture
def bob(account, make_agent, support):
    """Another agent of Support."""
    user = make_agent(account, "bob@acme.test", "Bob Agent")
    set_department_members(department=support, users=[*support.members.all(), user])
    return user


def restrict(account, membership: Membership) -> Membership:
    """Give the member a role without tickets.view_all."""
    role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
    change_role(membership=membership, role=Membership.CUSTOM, custom_role=role)
    return Membership.objects.select_related("account", "custom_role").get(pk=membership.pk)


@pytest.fixture
def place(make_ticket, account):
    """A waiting ticket with the given due time (None: none) and last activity, in hours from NOW."""

    def make(subject, *, due=None, active=0.0, status="new", department=None, assignee=None) -> Ticket:
        ticket = make_ticket(account, subject=subject, department=department)
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_due_at=None if due is None else NOW + timedelta(hours=due),
            last_activity_at=NOW + timedelta(hours=active),
            status=status,
            assignee=assignee,
        )
        ticket.refresh_from_db()
        return ticket

    return make
