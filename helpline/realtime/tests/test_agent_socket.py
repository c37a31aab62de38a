"""The agent websocket through the real ASGI stack (session auth, origin check, channel layer)."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from helpline.config.asgi import application
from helpline.conversations import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def session_cookie(client, user, account=None) -> bytes:
    client.force_login(user)
    if account is not None:
        session = client.session
        session["account"] = account.public_id
        session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(cookie: bytes | None):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


def test_agent_receives_own_account_events_only(client, account, other_account, make_ticket, agent):
    own = make_ticket(account)
    foreign = make_ticket(other_account)
    cookie = session_cookie(client, agent)

    async def scenario():
        communicator, connected, _ = await connect(cookie)
        assert connected
        assert await communicator.receive_json_from(timeout=5) == {"event": "hello", "account": account.public_id}
        await database_sync_to_async(actions.change_status)(ticket=foreign, status="resolved")
        await database_sync_to_async(actions.change_status)(ticket=own, status="resolved")
        message = await communicator.receive_json_from(timeout=5)
        assert message == {"event": "ticket.status_changed", "ticket": own.public_id, "status": "resolved"}
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    asyncio.run(scenario())


def test_anonymous_socket_is_refused(db):
    async def scenario():
        communicator, connected, code = await connect(None)
        assert (connected, code) == (False, 4401)

    asyncio.run(scenario())


def test_socket_cannot_join_an_account_the_agent_is_not_in(client, account, other_account, agent):
    cookie = session_cookie(client, agent, account=other_account)

    async def scenario():
        communicator, connected, code = await connect(cookie)
        assert (connected, code) == (False, 4403)

    asyncio.run(scenario())


def test_foreign_origin_is_refused(client, account, agent):
    cookie = session_cookie(client, agent)

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/agent/",
            headers=[(b"origin", b"http://evil.example"), (b"host", b"testserver"), (b"cookie", cookie)],
        )
        connected, _code = await communicator.connect(timeout=5)
        assert connected is False

    asyncio.run(scenario())
