"""A changed sound reaches the agent's own open browsers (sounds.js reloads), and nobody else's."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from helpline.config.asgi import application
from helpline.core.actors import Actor
from helpline.realtime.tests.test_ticket_presence import cookie_for
from helpline.workspace.actions import set_sound

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


async def open_socket(cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["event"] == "hello"
    return communicator


def test_sound_changed_reaches_only_the_agent(account, other_account, agent, make_agent):
    colleague = make_agent(account, "bob@acme.test")
    stranger = make_agent(other_account, "mallory@globex.test")
    cookies = [cookie_for(agent, account), cookie_for(colleague, account), cookie_for(stranger, other_account)]

    async def scenario():
        mine, theirs, foreign = [await open_socket(cookie) for cookie in cookies]
        await database_sync_to_async(set_sound)(
            account=account, user=agent, event="chat_ring", sound="muted", actor=Actor(user=agent)
        )
        assert await mine.receive_json_from(timeout=5) == {"event": "workspace.sound_changed", "sound": "chat_ring"}
        assert await theirs.receive_nothing(timeout=0.5)
        assert await foreign.receive_nothing(timeout=0.5)
        for socket in (mine, theirs, foreign):
            await socket.disconnect()

    asyncio.run(scenario())
