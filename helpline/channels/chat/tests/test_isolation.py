"""Tenant isolation of the chat sockets: a widget key reaches its own account only, a visitor only their own chat,
an agent only the chats of their account."""

import asyncio

import pytest

from helpline.channels.chat.models import ChatLine
from helpline.channels.chat.tests.conftest import (
    VISITOR,
    agent_socket,
    receive_until,
    session_cookie,
    start,
    visitor_socket,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def test_an_unknown_widget_key_is_refused():
    async def scenario():
        _communicator, connected, code = await visitor_socket("no-such-key")
        return connected, code

    assert asyncio.run(scenario()) == (False, 4404)


def test_the_same_visitor_id_on_another_account_s_button_sees_nothing_of_the_first(chat, other_button):
    from helpline.channels.chat.actions import post_visitor_message

    post_visitor_message(session=chat, cid="c1", text="secret order 4471")

    async def scenario():
        visitor, connected, _ = await visitor_socket(other_button.key)
        assert connected
        await visitor.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        welcome = await visitor.receive_json_from(timeout=5)
        await visitor.send_json_to({"type": "message", "cid": "x", "text": "hi"})
        error = await visitor.receive_json_from(timeout=5)
        nothing = await visitor.receive_nothing(timeout=0.3)
        await visitor.disconnect()
        return welcome, error, nothing

    welcome, error, nothing = asyncio.run(scenario())
    assert welcome == {"type": "welcome", "chat": None}
    assert (error["type"], error["code"]) == ("error", "no_chat")
    assert nothing
    assert ChatLine.objects.filter(session=chat).count() == 1


def test_a_visitor_cannot_reach_another_visitor_s_chat(chat, button):
    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        await visitor.send_json_to({"type": "hello", "visitor": "someone-else-0123456789", "last_seq": 0})
        welcome = await visitor.receive_json_from(timeout=5)
        await visitor.send_json_to({"type": "hello", "visitor": chat.public_id, "last_seq": 0})  # a chat id is no key
        second = await visitor.receive_json_from(timeout=5)
        await visitor.disconnect()
        return welcome, second

    assert asyncio.run(scenario()) == ({"type": "welcome", "chat": None}, {"type": "welcome", "chat": None})


def test_an_agent_of_another_account_cannot_open_the_chat(client, chat, other_account, make_agent):
    outsider = make_agent(other_account, "eve@globex.test", "Eve")
    cookie = session_cookie(client, outsider, other_account)

    async def scenario():
        console, connected, _ = await agent_socket(cookie)
        assert connected
        await receive_until(console, lambda m: m["type"] == "hello")
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        error = await receive_until(console, lambda m: m["type"] == "error")
        await console.send_json_to({"type": "message", "chat": chat.public_id, "cid": "e", "text": "hi"})
        second = await receive_until(console, lambda m: m["type"] == "error")
        await console.disconnect()
        return error, second

    error, second = asyncio.run(scenario())
    assert (error["code"], error["detail"]) == ("not_found", "No such chat.")
    assert second["code"] == "not_open"
    assert ChatLine.objects.filter(session=chat).count() == 0


def test_the_agent_socket_needs_a_signed_in_member(client, agent, other_account):
    cookie = session_cookie(client, agent, other_account)  # agent is not a member of other_account

    async def scenario():
        refused = await agent_socket(b"sessionid=nope")
        foreign = await agent_socket(cookie)
        return refused[1:], foreign[1:]

    assert asyncio.run(scenario()) == ((False, 4401), (False, 4403))


def test_nobody_online_ends_the_chat_as_unavailable(button, account):
    from helpline.channels.chat.routing_bridge import routing_available

    if not routing_available():
        pytest.skip("without routing there is no presence: a chat always waits")
    session = start(button, name="Vera", message="Anyone?")
    session.ticket.refresh_from_db()
    assert (session.state, session.ticket.status) == ("ended", "new")
    assert list(session.ticket.messages.values_list("body_text", flat=True)) == ["Anyone?"]


def _ban(account, kind, value):
    bans = pytest.importorskip("helpline.security.actions.bans")
    return bans.ban_visitor(account=account, kind=kind, value=value, reason="abuse")


def test_a_banned_visitor_cannot_start_a_chat_and_sees_a_neutral_message(client, button, account):
    import json

    from helpline.conversations.models import Ticket

    _ban(account, "visitor", VISITOR)
    response = client.post(
        f"/widget/{button.key}/chats/", data=json.dumps({"visitor": VISITOR}), content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Sorry, the chat is not available.", "code": "unavailable"},
    )
    assert not Ticket.objects.filter(account=account).exists()


def test_a_banned_visitor_is_turned_away_by_the_socket(chat, button, account):
    _ban(account, "visitor", VISITOR)

    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        await visitor.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        error = await visitor.receive_json_from(timeout=5)
        closed = await visitor.receive_output(timeout=5)
        return error, closed

    error, closed = asyncio.run(scenario())
    assert error == {"type": "error", "code": "unavailable", "detail": "Sorry, the chat is not available."}
    assert closed == {"type": "websocket.close", "code": 4403}
