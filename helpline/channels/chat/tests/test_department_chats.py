"""An agent without tickets.view_all opens only the chats of tickets they may see (their departments, assigned to
them), and those ringing for them or they are invited into: through the console's views and
its socket; everyone else's is "no such chat"."""

import asyncio

import pytest

from helpline.channels.chat.actions import accept_chat, create_chat_button
from helpline.channels.chat.tests.conftest import agent_socket, make_available, receive_until, session_cookie, start
from helpline.routing.actions import invite_to_chat
from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
from helpline.tenancy.models import Department, Membership
from helpline.web.tests.conftest import signed_in


@pytest.fixture
def world(account, agent, make_agent):
    """Alice (a department-only role) works in Support; Bob in Billing. One waiting chat per department."""
    support = Department.objects.get(account=account, name="Support")
    billing = create_department(account=account, name="Billing")
    bob = make_agent(account, "bob@acme.test", "Bob")
    set_department_members(department=support, users=[agent])
    set_department_members(department=billing, users=[bob])
    role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    make_available(account, agent)
    make_available(account, bob)
    support_button = create_chat_button(account=account, name="Support", department=support)
    billing_button = create_chat_button(account=account, name="Billing", department=billing)
    return {
        "bob": bob,
        "support": start(support_button, name="Sue"),
        "billing": start(billing_button, visitor="visitor-bbbbbbbbbbbbbbbb", name="Bill"),
    }


def urls(chat):
    base = f"/agent/chats/{chat.public_id}/"
    return [("get", f"{base}panel/"), ("post", f"{base}accept/"), ("post", f"{base}decline/"), ("post", f"{base}end/")]


@pytest.mark.django_db
def test_a_restricted_agent_cannot_open_another_departments_chat(world, agent, account):
    alice = signed_in(agent, account)
    billing, support = world["billing"], world["support"]
    for method, url in urls(billing):
        assert getattr(alice, method)(url).status_code == 404, url
    billing.refresh_from_db()
    assert (billing.state, billing.agent_id) == ("waiting", None)
    incoming = alice.get("/agent/chats/incoming/").content.decode()
    assert f'data-chat="{support.public_id}"' in incoming
    assert billing.public_id not in incoming
    assert billing.public_id not in alice.get("/agent/chats/").content.decode()
    assert alice.get(f"/agent/chats/{support.public_id}/panel/").status_code == 200
    bob = signed_in(world["bob"], account)  # the agent role sees every ticket: every chat
    assert bob.get(f"/agent/chats/{billing.public_id}/panel/").status_code == 200
    assert bob.get(f"/agent/chats/{support.public_id}/panel/").status_code == 200


@pytest.mark.django_db
def test_a_chat_a_restricted_agent_is_invited_into_opens_for_them(world, agent, account):
    alice = signed_in(agent, account)
    billing = world["billing"]
    accept_chat(session=billing, user=world["bob"])
    panel = f"/agent/chats/{billing.public_id}/panel/"
    assert alice.get(panel).status_code == 404
    invite_to_chat(ticket=billing.ticket, user=agent)
    assert alice.get(panel).status_code == 200  # invited in


@pytest.mark.django_db
def test_a_chat_ringing_for_a_restricted_agent_opens_for_them(world, agent, account):
    """A button without a department rings every agent online, Alice too, though its ticket is in no department
    of hers: rung, she may open and take it; once Bob took it, it is no longer hers to open."""
    alice = signed_in(agent, account)
    ringing = start(create_chat_button(account=account, name="Anywhere"), visitor="visitor-cccccccccccccccc")
    assert ringing.ticket.department_id is None
    incoming = alice.get("/agent/chats/incoming/").content.decode()
    assert f'data-chat="{ringing.public_id}" data-ringing="1"' in incoming
    panel = f"/agent/chats/{ringing.public_id}/panel/"
    assert alice.get(panel).status_code == 200
    accept_chat(session=ringing, user=world["bob"])
    assert alice.get(panel).status_code == 404
    assert ringing.public_id not in alice.get("/agent/chats/incoming/").content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_the_console_socket_opens_only_the_chats_the_agent_may_open(client, world, agent, account):
    cookie = session_cookie(client, agent, account)
    billing, support = world["billing"], world["support"]

    async def scenario():
        console, connected, _ = await agent_socket(cookie)
        assert connected
        try:
            await console.send_json_to({"type": "open", "chat": billing.public_id, "last_seq": 0})
            refused = await receive_until(console, lambda m: m.get("type") in ("error", "state"))
            await console.send_json_to({"type": "open", "chat": support.public_id, "last_seq": 0})
            opened = await receive_until(console, lambda m: m.get("type") in ("error", "state"))
        finally:
            await console.disconnect()
        return refused, opened

    refused, opened = asyncio.run(scenario())
    assert (refused["type"], refused["code"], refused["chat"]) == ("error", "not_found", billing.public_id)
    assert (opened["type"], opened["state"]["chat"]) == ("state", support.public_id)
