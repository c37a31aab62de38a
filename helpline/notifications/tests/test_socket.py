"""A new notification reaches its agent's open workspace sockets at once, and nobody else's: not another agent
of the account, not an agent of another account."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from helpline.conversations import actions as conversations
from helpline.core.actors import Actor
from helpline.notifications.actions import set_preferences
from helpline.notifications.models import Notification
from helpline.realtime.tests.test_agent_socket import connect, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


async def hello(communicator) -> dict:
    return await communicator.receive_json_from(timeout=5)


async def next_notification(communicator) -> dict:
    """The next ``notification.created`` frame (ticket refreshes for the account come too)."""
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame.get("event") == "notification.created":
            return frame


async def no_notification(communicator, timeout: float = 0.7) -> bool:
    """Drains the frames that come (ticket refreshes); False at the first notification. receive_nothing, not a
    receive that times out: a timed-out receive ends the consumer."""
    while not await communicator.receive_nothing(timeout=timeout):
        frame = await communicator.receive_json_from(timeout=5)
        if frame.get("event") == "notification.created":
            return False
    return True


def test_the_assignee_hears_it_live_and_nobody_else(client, account, other_account, team, make_ticket, make_agent):
    from django.test import Client

    alice, bob = team["alice"], team["bob"]
    set_preferences(account=account, user=alice, actor=Actor(user=alice),
                    choices={"assigned": {"in_app": True, "email": False, "browser": True}})  # fmt: skip
    ticket = make_ticket(account, department=team["billing"], subject="Refund")
    make_agent(other_account, "alice@acme.test")  # Alice in Globex too: her Globex tab hears nothing of Acme
    cookies = {
        "alice": session_cookie(Client(), alice, account),
        "alice_globex": session_cookie(Client(), alice, other_account),
        "bob": session_cookie(Client(), bob, account),
    }

    async def scenario():
        sockets = {}
        try:
            for name, cookie in cookies.items():
                communicator, connected, _code = await connect(cookie)
                assert connected, name
                sockets[name] = communicator
                await hello(communicator)
            await database_sync_to_async(conversations.assign_ticket)(
                ticket=ticket, assignee=alice, actor=Actor(user=bob)
            )
            frame = await next_notification(sockets["alice"])
            notification = await database_sync_to_async(Notification.objects.get)(kind="assigned")
            assert frame == {
                "event": "notification.created",
                "notification": notification.public_id,
                "kind": "assigned",
                "text": f"Bob Builder assigned {ticket.code} to you: Refund",
                "url": f"/agent/tickets/{ticket.public_id}/",
                "unread": 1,
                "browser": True,
            }
            assert await no_notification(sockets["bob"])
            assert await no_notification(sockets["alice_globex"])
        finally:
            for communicator in sockets.values():
                await communicator.disconnect()

    asyncio.run(scenario())


def test_nothing_is_pushed_when_the_agent_switched_in_app_and_browser_off(client, account, team, make_ticket):
    alice = team["alice"]
    set_preferences(account=account, user=alice, actor=Actor(user=alice),
                    choices={"assigned": {"in_app": False, "email": False, "browser": False}})  # fmt: skip
    ticket = make_ticket(account, department=team["billing"])
    cookie = session_cookie(client, alice, account)

    async def scenario():
        communicator, connected, _code = await connect(cookie)
        try:
            assert connected
            await hello(communicator)
            await database_sync_to_async(conversations.assign_ticket)(
                ticket=ticket, assignee=alice, actor=Actor(user=team["bob"])
            )
            assert await no_notification(communicator)
        finally:
            await communicator.disconnect()

    asyncio.run(scenario())
    assert not Notification.objects.filter(recipient=alice).exists()
