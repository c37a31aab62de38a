"""Collision detection on the agent socket: who views a ticket and who writes a reply, through the real ASGI
stack and channel layer (in memory on SQLite, Redis in the PostgreSQL pass)."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from helpline.config.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def cookie_for(user, account) -> bytes:
    client = Client()
    client.force_login(user)
    session = client.session
    session["account"] = account.public_id
    session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["event"] == "hello"
    return communicator


def presence(message: dict) -> tuple:
    return message["event"], message["ticket"], message["agent"], message["name"], message["state"]


@pytest.fixture
def bob(account, make_agent):
    return make_agent(account, "bob@acme.test", "Bob Builder")


def test_two_agents_see_each_other_view_reply_and_leave(account, ticket, agent, bob):
    alice_cookie, bob_cookie = cookie_for(agent, account), cookie_for(bob, account)

    async def scenario():
        alice = await open_socket(alice_cookie)
        await alice.send_json_to({"type": "view", "ticket": ticket.public_id})
        assert await alice.receive_nothing(timeout=0.3)  # alone on the ticket

        bob_socket = await open_socket(bob_cookie)
        await bob_socket.send_json_to({"type": "view", "ticket": ticket.public_id})
        seen_by_alice = await alice.receive_json_from(timeout=5)
        assert presence(seen_by_alice) == ("ticket.presence", ticket.public_id, bob.public_id, "Bob Builder", "viewing")
        assert set(seen_by_alice) == {"event", "ticket", "viewer", "agent", "name", "state"}  # no channel names
        seen_by_bob = await bob_socket.receive_json_from(timeout=5)  # Alice answers the newcomer
        assert presence(seen_by_bob) == ("ticket.presence", ticket.public_id, agent.public_id, "Alice Agent", "viewing")

        await bob_socket.send_json_to({"type": "replying", "active": True})
        message = await alice.receive_json_from(timeout=5)
        assert presence(message) == ("ticket.presence", ticket.public_id, bob.public_id, "Bob Builder", "replying")
        assert message["viewer"] == seen_by_alice["viewer"]
        await bob_socket.send_json_to({"type": "replying", "active": True})  # no change: nothing sent
        assert await alice.receive_nothing(timeout=0.3)

        await bob_socket.send_json_to({"type": "ping"})  # a ping repeats the state (heartbeat)
        assert (await bob_socket.receive_json_from(timeout=5)) == {"event": "pong"}
        assert presence(await alice.receive_json_from(timeout=5))[4] == "replying"

        await bob_socket.disconnect()  # the tab closes: gone
        assert presence(await alice.receive_json_from(timeout=5))[4] == "left"
        assert await alice.receive_nothing(timeout=0.3)
        await alice.disconnect()

    asyncio.run(scenario())


def test_leaving_for_another_ticket_says_left(account, ticket, make_ticket, agent, bob):
    other_ticket = make_ticket(account, subject="Another one")
    alice_cookie, bob_cookie = cookie_for(agent, account), cookie_for(bob, account)

    async def scenario():
        alice = await open_socket(alice_cookie)
        await alice.send_json_to({"type": "view", "ticket": ticket.public_id})
        bob_socket = await open_socket(bob_cookie)
        try:
            await bob_socket.send_json_to({"type": "view", "ticket": ticket.public_id})
            assert presence(await alice.receive_json_from(timeout=5))[4] == "viewing"
            await bob_socket.receive_json_from(timeout=5)

            await bob_socket.send_json_to({"type": "view", "ticket": other_ticket.public_id})
            heard = presence(await alice.receive_json_from(timeout=5))
            # A state may be heard again before the change (states repeat by design; through Redis the
            # announcement can arrive twice): only a repeat of Bob viewing may come before "left".
            while heard == ("ticket.presence", ticket.public_id, bob.public_id, "Bob Builder", "viewing"):
                heard = presence(await alice.receive_json_from(timeout=5))
            assert heard == ("ticket.presence", ticket.public_id, bob.public_id, "Bob Builder", "left")
            await bob_socket.send_json_to({"type": "replying", "active": True})  # on the other ticket: not ours
            assert await alice.receive_nothing(timeout=0.3)
            await bob_socket.send_json_to({"type": "leave"})
            assert await alice.receive_nothing(timeout=0.3)
        finally:  # a failed step must not leave the sockets' tasks running (the loop would never close)
            await bob_socket.disconnect()
            await alice.disconnect()

    asyncio.run(scenario())


def test_same_agent_in_two_tabs_is_no_collision(account, ticket, agent):
    cookie = cookie_for(agent, account)

    async def scenario():
        first = await open_socket(cookie)
        await first.send_json_to({"type": "view", "ticket": ticket.public_id})
        second = await open_socket(cookie)
        await second.send_json_to({"type": "view", "ticket": ticket.public_id})
        await second.send_json_to({"type": "replying", "active": True})
        assert await first.receive_nothing(timeout=0.3)
        assert await second.receive_nothing(timeout=0.3)
        await second.disconnect()
        await first.disconnect()

    asyncio.run(scenario())


def test_presence_never_crosses_accounts(account, other_account, ticket, make_ticket, agent, make_agent):
    intruder = make_agent(other_account, "mallory@globex.test", "Mallory")
    foreign_ticket = make_ticket(other_account, subject="Globex ticket")
    alice_cookie, mallory_cookie = cookie_for(agent, account), cookie_for(intruder, other_account)

    async def scenario():
        alice = await open_socket(alice_cookie)
        await alice.send_json_to({"type": "view", "ticket": ticket.public_id})
        mallory = await open_socket(mallory_cookie)

        # Another account's ticket id is refused like a missing one; Acme's viewer hears nothing.
        await mallory.send_json_to({"type": "view", "ticket": ticket.public_id})
        assert await mallory.receive_json_from(timeout=5) == {
            "event": "ticket.presence_refused",
            "ticket": ticket.public_id,
        }
        await mallory.send_json_to({"type": "replying", "active": True})
        assert await alice.receive_nothing(timeout=0.5)

        # Mallory on her own ticket is not seen by Acme either, and Alice's replying does not reach Mallory.
        await mallory.send_json_to({"type": "view", "ticket": foreign_ticket.public_id})
        await alice.send_json_to({"type": "replying", "active": True})
        assert await alice.receive_nothing(timeout=0.5)
        assert await mallory.receive_nothing(timeout=0.5)

        # Alice cannot join Globex's ticket either.
        await alice.send_json_to({"type": "view", "ticket": foreign_ticket.public_id})
        assert await alice.receive_json_from(timeout=5) == {
            "event": "ticket.presence_refused",
            "ticket": foreign_ticket.public_id,
        }
        assert await mallory.receive_nothing(timeout=0.5)
        await mallory.disconnect()
        await alice.disconnect()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "frame", [{"type": "view"}, {"type": "view", "ticket": 12}, {"type": "view", "ticket": "x" * 500}]
)
def test_malformed_view_is_refused(account, agent, frame):
    cookie = cookie_for(agent, account)

    async def scenario():
        socket = await open_socket(cookie)
        await socket.send_json_to(frame)
        answer = await socket.receive_json_from(timeout=5)
        assert answer["event"] == "ticket.presence_refused"
        await socket.send_json_to(["not", "an", "object"])
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=5) == {"event": "pong"}
        await socket.disconnect()

    asyncio.run(scenario())
