"""Through the real ASGI stack: a ring reaches only the agents rung; the last socket closing means offline."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from helpline.realtime.tests.test_agent_socket import connect, session_cookie
from helpline.routing.actions import request_chat, set_agent_routing, set_presence
from helpline.routing.selectors import get_presence
from helpline.routing.tests.helpers import configure

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def test_a_ring_is_pushed_to_the_rung_agent_only(account, agents, chat_ticket):
    ann, ben, _cat = agents
    configure(account, strategy="priorities")
    set_agent_routing(account=account, user=ann, priority=1)
    for user in (ann, ben):
        set_presence(account=account, user=user, state="online")
    ticket = chat_ticket(account)
    cookies = [session_cookie(Client(), user, account) for user in (ann, ben)]

    async def scenario():
        sockets = []
        for cookie in cookies:
            communicator, connected, _ = await connect(cookie)
            assert connected
            assert (await communicator.receive_json_from(timeout=5))["event"] == "hello"
            sockets.append(communicator)
        request = await database_sync_to_async(request_chat)(ticket=ticket)
        assert await sockets[0].receive_json_from(timeout=5) == {
            "event": "chat.ringing",
            "ticket": ticket.public_id,
            "status": "chatting",
            "request": request.public_id,
        }
        assert await sockets[1].receive_nothing(timeout=0.5)
        for communicator in sockets:
            await communicator.disconnect()

    asyncio.run(scenario())


def test_idle_away_and_offline_when_the_last_socket_closes(account, agent):
    set_presence(account=account, user=agent, state="online")
    cookie = session_cookie(Client(), agent, account)

    async def scenario():
        first, _, _ = await connect(cookie)
        second, _, _ = await connect(cookie)
        for communicator in (first, second):
            await communicator.receive_json_from(timeout=5)
        await first.send_json_to({"type": "idle"})
        assert (await second.receive_json_from(timeout=5))["state"] == "away"
        assert await database_sync_to_async(get_presence)(account, agent) == "away"
        await first.send_json_to({"type": "active"})
        assert (await second.receive_json_from(timeout=5))["state"] == "online"
        await first.disconnect()
        assert await database_sync_to_async(get_presence)(account, agent) == "online"
        await second.disconnect()
        assert await database_sync_to_async(get_presence)(account, agent) == "offline"

    asyncio.run(scenario())
