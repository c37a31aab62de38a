"""tickets.view_all on the sockets: an agent without it hears of, and joins the presence of, only the tickets of their
departments and those assigned to them. Through the real ASGI stack and channel layer (in memory on SQLite, Redis
in the PostgreSQL pass), with real commits."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from helpline.config.asgi import application
from helpline.conversations.actions import assign_ticket, change_status
from helpline.realtime.subscribers import one_push_per_batch
from helpline.realtime.tests.test_ticket_presence import cookie_for, open_socket
from helpline.tenancy.actions import (
    change_role,
    create_department,
    create_role,
    set_department_members,
)
from helpline.tenancy.models import Department, Membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


@pytest.fixture
def world(account, other_account, owner, agent, make_ticket):
    """Alice (department-only role) is in Support; tickets in Support, Billing, none, and one assigned to her."""
    support = Department.objects.get(account=account, name="Support")
    billing = create_department(account=account, name="Billing")
    set_department_members(department=support, users=[agent])
    role = create_role(account=account, name="Department only", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    assigned = make_ticket(account, subject="Billing printer for Alice", department=billing)
    assign_ticket(ticket=assigned, assignee=agent)
    return {
        "support": make_ticket(account, subject="Support printer", department=support),
        "billing": make_ticket(account, subject="Billing printer", department=billing),
        "nowhere": make_ticket(account, subject="Nowhere printer"),
        "assigned": assigned,
        "globex": make_ticket(other_account, subject="Globex printer"),
    }


def resolve(ticket):
    return database_sync_to_async(change_status)(ticket=ticket, status="resolved")


def status_event(ticket) -> dict:
    return {"event": "ticket.status_changed", "ticket": ticket.public_id, "status": "resolved"}


def test_presence_of_a_hidden_ticket_is_refused(account, owner, agent, world):
    alice_cookie, owner_cookie = cookie_for(agent, account), cookie_for(owner, account)

    async def scenario():
        owner_socket = await open_socket(owner_cookie)
        await owner_socket.send_json_to({"type": "view", "ticket": world["billing"].public_id})
        alice = await open_socket(alice_cookie)
        for name in ("billing", "nowhere", "globex"):
            await alice.send_json_to({"type": "view", "ticket": world[name].public_id})
            refused = await alice.receive_json_from(timeout=5)
            assert refused == {"event": "ticket.presence_refused", "ticket": world[name].public_id}
        await alice.send_json_to({"type": "replying", "active": True})
        assert await owner_socket.receive_nothing(timeout=0.5)  # the owner on Billing never hears of Alice
        for name in ("support", "assigned"):
            await alice.send_json_to({"type": "view", "ticket": world[name].public_id})
            assert await alice.receive_nothing(timeout=0.3)  # joined, alone there: no refusal
        await owner_socket.send_json_to({"type": "view", "ticket": world["assigned"].public_id})
        seen = await alice.receive_json_from(timeout=5)
        assert (seen["event"], seen["ticket"], seen["agent"], seen["state"]) == (
            "ticket.presence",
            world["assigned"].public_id,
            owner.public_id,
            "viewing",
        )
        await alice.disconnect()
        await owner_socket.disconnect()

    asyncio.run(scenario())


def test_ticket_events_reach_only_agents_who_may_see_the_ticket(account, owner, agent, world):
    alice_cookie, owner_cookie = cookie_for(agent, account), cookie_for(owner, account)

    async def scenario():
        alice, owner_socket = await open_socket(alice_cookie), await open_socket(owner_cookie)
        for name in ("billing", "nowhere"):
            await resolve(world[name])
            assert await owner_socket.receive_json_from(timeout=5) == status_event(world[name])
        assert await alice.receive_nothing(timeout=0.5)
        for name in ("support", "assigned"):
            await resolve(world[name])
            assert await alice.receive_json_from(timeout=5) == status_event(world[name])  # no scope keys
            assert await owner_socket.receive_json_from(timeout=5) == status_event(world[name])
        await resolve(world["globex"])
        assert await alice.receive_nothing(timeout=0.5)
        assert await owner_socket.receive_nothing(timeout=0.1)
        await alice.disconnect()
        await owner_socket.disconnect()

    asyncio.run(scenario())


def in_one_batch(status, *tickets):
    def run():
        with one_push_per_batch():
            for ticket in tickets:
                change_status(ticket=ticket, status=status)

    return database_sync_to_async(run)()


def test_a_batch_push_names_only_the_tickets_the_agent_may_see(account, owner, agent, world):
    alice_cookie, owner_cookie = cookie_for(agent, account), cookie_for(owner, account)
    everything = sorted(world[name].public_id for name in ("support", "billing", "nowhere", "assigned"))
    hers = sorted(world[name].public_id for name in ("support", "assigned"))

    async def scenario():
        alice, owner_socket = await open_socket(alice_cookie), await open_socket(owner_cookie)
        await in_one_batch("resolved", world["billing"], world["nowhere"])
        assert await owner_socket.receive_json_from(timeout=5) == {
            "event": "tickets.changed",
            "tickets": sorted([world["billing"].public_id, world["nowhere"].public_id]),
        }
        assert await alice.receive_nothing(timeout=0.5)  # nothing of it is hers: no message at all
        await in_one_batch("open", *(world[name] for name in ("support", "billing", "nowhere", "assigned")))
        assert await alice.receive_json_from(timeout=5) == {"event": "tickets.changed", "tickets": hers}
        assert await owner_socket.receive_json_from(timeout=5) == {"event": "tickets.changed", "tickets": everything}
        await alice.disconnect()
        await owner_socket.disconnect()

    asyncio.run(scenario())


def test_an_open_socket_follows_department_and_role_changes(account, owner, agent, world):
    alice_cookie = cookie_for(agent, account)
    billing = Department.objects.get(account=account, name="Billing")
    membership = Membership.objects.get(account=account, user=agent)
    role = membership.custom_role

    async def scenario():
        alice = await open_socket(alice_cookie)
        await database_sync_to_async(set_department_members)(department=billing, users=[agent])
        await resolve(world["billing"])  # she joined Billing: its tickets reach her now
        assert await alice.receive_json_from(timeout=5) == status_event(world["billing"])
        await resolve(world["nowhere"])
        assert await alice.receive_nothing(timeout=0.5)

        await database_sync_to_async(change_role)(membership=membership, role="agent")  # sees every department
        await database_sync_to_async(change_status)(ticket=world["nowhere"], status="open")
        message = await alice.receive_json_from(timeout=5)
        assert (message["ticket"], message["status"]) == (world["nowhere"].public_id, "open")

        await database_sync_to_async(change_role)(membership=membership, role="custom", custom_role=role)
        await resolve(world["nowhere"])  # her departments' again
        assert await alice.receive_nothing(timeout=0.5)
        await database_sync_to_async(set_department_members)(department=billing, users=[])
        await database_sync_to_async(change_status)(ticket=world["billing"], status="open")
        assert await alice.receive_nothing(timeout=0.5)
        await alice.disconnect()

    asyncio.run(scenario())


def test_the_chat_console_socket_hears_only_visible_tickets(account, agent, world):
    cookie = cookie_for(agent, account)

    async def scenario():
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
        console = WebsocketCommunicator(application, "/ws/agent/chats/", headers=headers)
        assert (await console.connect(timeout=5))[0]
        assert (await console.receive_json_from(timeout=5))["type"] == "hello"
        await resolve(world["billing"])
        assert await console.receive_nothing(timeout=0.5)
        await resolve(world["support"])
        assert await console.receive_json_from(timeout=5) == {"type": "event", **status_event(world["support"])}
        await console.disconnect()

    asyncio.run(scenario())
