"""tickets.view_all in the chat console: the side panel's past tickets of the visitor are only those the agent may
see (their departments' and those assigned to them)."""

import pytest

from helpline.channels.chat.tests.conftest import make_available, start
from helpline.conversations.actions import assign_ticket, create_ticket
from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
from helpline.tenancy.models import Department, Membership
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_panel_lists_only_past_tickets_the_agent_may_see(button, account, owner, agent):
    support = Department.objects.get(account=account, name="Support")
    billing = create_department(account=account, name="Billing")
    set_department_members(department=support, users=[agent])
    role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    make_available(account, agent)
    session = start(button, name="Vera Visitor", email="vera@example.com", message="Hello again")
    past = {
        name: create_ticket(account=account, contact=session.contact, subject=f"{name} past", channel="web", **kw)
        for name, kw in (("Support", {"department": support}), ("Billing", {"department": billing}), ("None", {}))
    }
    past["Assigned"] = create_ticket(
        account=account, contact=session.contact, subject="Assigned past", channel="web", department=billing
    )
    assign_ticket(ticket=past["Assigned"], assignee=agent)

    def shown(user) -> list[str]:
        response = signed_in(user, account).get(f"/agent/chats/{session.public_id}/panel/")
        assert response.status_code == 200
        html = response.content.decode()
        return sorted(name for name, ticket in past.items() if f"/agent/tickets/{ticket.public_id}/" in html)

    assert shown(agent) == ["Assigned", "Support"]
    assert shown(owner) == ["Assigned", "Billing", "None", "Support"]
