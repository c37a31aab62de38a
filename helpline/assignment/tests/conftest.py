"""A support department with three agents, helpers to bring agents online and to open tickets."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import api, other_api  # noqa: F401


def connect(account, user, *, n: int = 0):
    """The agent opens the workspace (an agent socket)."""
    from helpline.routing.actions import agent_connected

    agent_connected(account=account, user=user, channel_name=f"test!{account.pk}.{user.pk}.{n}")


@pytest.fixture
def team(account, make_agent):
    from helpline.tenancy.actions import create_department, set_department_members

    support = create_department(account=account, name="Helpdesk")
    agents = [make_agent(account, f"{name}@acme.test", name.title()) for name in ("ann", "bob", "cid")]
    set_department_members(department=support, users=agents)
    return support, agents


@pytest.fixture
def open_ticket(account, make_ticket, django_capture_on_commit_callbacks):
    """A new ticket, its events run (so automatic assignment happens as in production)."""

    def make(department=None, target_account=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = make_ticket(target_account or account, department=department, **kwargs)
        ticket.refresh_from_db()
        return ticket

    return make
