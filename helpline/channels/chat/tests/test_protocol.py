"""The chat sockets through the real ASGI stack: acknowledgements, dedupe of resent client ids, replay after a
reconnect (every line exactly once, in order, on both sides), typing, read receipts, presence."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from helpline.channels.chat.models import ChatLine
from helpline.channels.chat.tests.conftest import (
    VISITOR,
    agent_socket,
    receive_until,
    session_cookie,
    visitor_socket,
)
from helpline.conversations.models import Message
from helpline.ingest.models import InboundRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def is_type(kind):
    return lambda message: message.get("type") == kind


async def hello(visitor, last_seq=0):
    await visitor.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": last_seq})
    return await receive_until(visitor, is_type("welcome"))


def test_visitor_message_is_acknowledged_and_reaches_the_agent(client, chat, button, agent, account):
    cookie = session_cookie(client, agent, account)

    async def scenario():
        console, connected, _ = await agent_socket(cookie)
        assert connected
        assert await console.receive_json_from(timeout=5) == {"type": "hello", "account": account.public_id}
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        state = await receive_until(console, is_type("state"))
        assert state["state"]["state"] == "active"
        visitor, connected, _ = await visitor_socket(button.key)
        assert connected
        welcome = await hello(visitor)
        assert welcome["chat"]["chat"] == chat.public_id
        assert welcome["chat"]["agent"] == "Alice Agent"
        await visitor.send_json_to({"type": "message", "cid": "c-1", "text": "Hello there"})
        ack = await receive_until(visitor, is_type("ack"))
        message = await database_sync_to_async(Message.objects.get)(ticket_id=chat.ticket_id, kind="chat")
        assert ack == {"type": "ack", "cid": "c-1", "id": message.public_id, "seq": 1}
        line = (await receive_until(console, is_type("line")))["line"]
        assert {k: line[k] for k in ("chat", "seq", "id", "cid", "from", "author", "text")} == {
            "chat": chat.public_id,
            "seq": 1,
            "id": message.public_id,
            "cid": "c-1",
            "from": "visitor",
            "author": "Vera Visitor",
            "text": "Hello there",
        }
        await console.send_json_to({"type": "message", "chat": chat.public_id, "cid": "a-1", "text": "Hi Vera"})
        agent_ack = await receive_until(console, is_type("ack"))
        assert (agent_ack["chat"], agent_ack["cid"], agent_ack["seq"]) == (chat.public_id, "a-1", 2)
        reply = (await receive_until(visitor, lambda m: m.get("type") == "line" and m["line"]["seq"] == 2))["line"]
        assert (reply["from"], reply["author"], reply["text"]) == ("agent", "Alice Agent", "Hi Vera")
        await visitor.disconnect()
        await console.disconnect()

    asyncio.run(scenario())
    assert chat.ticket.messages.filter(kind="chat").count() == 2


def test_a_resent_client_id_is_acknowledged_again_and_stored_once(chat, button):
    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        await hello(visitor)
        acks = []
        for _attempt in range(2):
            await visitor.send_json_to({"type": "message", "cid": "same-cid", "text": "Only once"})
            acks.append(await receive_until(visitor, is_type("ack")))
        await visitor.disconnect()
        return acks

    first, second = asyncio.run(scenario())
    assert first == second
    assert first["seq"] == 1
    assert list(chat.ticket.messages.filter(kind="chat").values_list("body_text", flat=True)) == ["Only once"]
    assert ChatLine.objects.filter(session=chat).count() == 1
    chat.refresh_from_db()
    assert chat.last_seq == 1


def test_resend_after_a_reconnect_is_not_duplicated_even_through_the_pipeline(chat):
    """The first send reached the server but its ack was lost: the resend returns the same line."""
    from helpline.channels.chat.actions import post_visitor_message

    first = post_visitor_message(session=chat, cid="lost-ack", text="Is anyone there?")
    second = post_visitor_message(session=chat, cid="lost-ack", text="Is anyone there?")
    assert (second.pk, second.seq, second.message_id) == (first.pk, 1, first.message_id)
    assert InboundRecord.objects.filter(account=chat.account, channel="chat").count() == 1
    assert chat.ticket.messages.filter(kind="chat").count() == 1


def test_reconnect_replays_what_was_missed_exactly_once_in_order(client, chat, button, agent, account):
    cookie = session_cookie(client, agent, account)

    async def scenario():
        console, _, _ = await agent_socket(cookie)
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        await receive_until(console, is_type("state"))
        visitor, _, _ = await visitor_socket(button.key)
        await hello(visitor)
        assert await receive_until(console, is_type("presence")) == {
            "type": "presence",
            "chat": chat.public_id,
            "visitor": "connected",
        }
        await visitor.send_json_to({"type": "message", "cid": "v-1", "text": "one"})
        assert (await receive_until(visitor, is_type("ack")))["seq"] == 1
        seen_before = []
        await visitor.disconnect()  # the network drops
        assert (await receive_until(console, is_type("presence"), lines=seen_before))["visitor"] == "disconnected"
        seen = []
        for n, text in enumerate(["two", "three"], start=1):
            await console.send_json_to({"type": "message", "chat": chat.public_id, "cid": f"a-{n}", "text": text})
            await receive_until(console, is_type("ack"), lines=seen)
        # The visitor typed "four" while offline; the widget resends it after the reconnect.
        visitor, _, _ = await visitor_socket(button.key)
        welcome = await hello(visitor, last_seq=1)
        assert welcome["chat"]["last_seq"] == 3
        replayed = [await visitor.receive_json_from(timeout=5) for _ in range(2)]
        assert [(m["type"], m["line"]["seq"], m["line"]["text"]) for m in replayed] == [
            ("line", 2, "two"),
            ("line", 3, "three"),
        ]
        await visitor.send_json_to({"type": "message", "cid": "v-2", "text": "four"})
        assert (await receive_until(visitor, is_type("ack")))["seq"] == 4
        # The visitor's own line comes back once through the group; nothing else is replayed twice.
        echo = await receive_until(visitor, is_type("line"))
        assert echo["line"]["seq"] == 4
        assert await visitor.receive_nothing(timeout=0.3)
        # The console saw every line once, in order.
        seen = seen_before + seen
        while not await console.receive_nothing(timeout=0.5):
            message = await console.receive_json_from(timeout=1)
            if message["type"] == "line":
                seen.append((message["line"]["seq"], message["line"]["text"]))
        await visitor.disconnect()
        await console.disconnect()
        return seen

    seen = asyncio.run(scenario())
    assert seen == [(1, "one"), (2, "two"), (3, "three"), (4, "four")]
    assert list(ChatLine.objects.filter(session=chat).values_list("seq", "message__body_text")) == [
        (1, "one"),
        (2, "two"),
        (3, "three"),
        (4, "four"),
    ]


def test_typing_preview_and_read_receipts(client, chat, button, agent, account):
    cookie = session_cookie(client, agent, account)

    async def scenario():
        console, _, _ = await agent_socket(cookie)
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        await receive_until(console, is_type("state"))
        visitor, _, _ = await visitor_socket(button.key)
        await hello(visitor)
        await visitor.send_json_to({"type": "typing", "text": "My order num"})
        typing = await receive_until(console, is_type("typing"))
        assert typing == {"type": "typing", "chat": chat.public_id, "from": "visitor", "text": "My order num"}
        await console.send_json_to({"type": "typing", "chat": chat.public_id, "active": True})
        assert await receive_until(visitor, is_type("typing")) == {"type": "typing", "from": "agent", "active": True}
        await console.send_json_to({"type": "message", "chat": chat.public_id, "cid": "a-1", "text": "Hello"})
        await receive_until(visitor, is_type("line"))
        await visitor.send_json_to({"type": "read", "seq": 1})
        read = await receive_until(console, is_type("read"))
        assert read == {"type": "read", "chat": chat.public_id, "by": "visitor", "seq": 1}
        await visitor.disconnect()
        await console.disconnect()

    asyncio.run(scenario())
    chat.refresh_from_db()
    assert chat.visitor_read_seq == 1


def test_an_agent_who_has_not_accepted_cannot_write(client, chat, account, make_agent):
    bob = make_agent(account, "bob@acme.test", "Bob")
    cookie = session_cookie(client, bob, account)

    async def scenario():
        console, _, _ = await agent_socket(cookie)
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        await receive_until(console, is_type("state"))
        await console.send_json_to({"type": "message", "chat": chat.public_id, "cid": "x", "text": "butting in"})
        error = await receive_until(console, is_type("error"))
        await console.disconnect()
        return error

    error = asyncio.run(scenario())
    assert (error["code"], error["cid"]) == ("forbidden", "x")
    assert ChatLine.objects.filter(session=chat).count() == 0


def test_an_ended_chat_takes_no_more_messages(chat, button):
    from helpline.channels.chat.actions import end_chat

    end_chat(session=chat, ended_by="agent")

    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        welcome = await hello(visitor)
        await visitor.send_json_to({"type": "message", "cid": "late", "text": "wait!"})
        error = await receive_until(visitor, is_type("error"))
        await visitor.disconnect()
        return welcome, error

    welcome, error = asyncio.run(scenario())
    assert welcome["chat"]["state"] == "ended"
    assert (error["code"], error["cid"]) == ("chat_ended", "late")
    assert ChatLine.objects.filter(session=chat).count() == 0


def test_file_lines_carry_the_link_each_side_may_use(client, chat, button, agent, account, settings, tmp_path):
    from helpline.channels.chat.actions import post_visitor_message
    from helpline.channels.chat.files import read_visitor_link, visitor_link

    settings.MEDIA_ROOT = tmp_path / "media"
    cookie = session_cookie(client, agent, account)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    line = post_visitor_message(session=chat, cid="f", text="", file=("shot.png", len(png), png))
    attachment = line.message.attachments.get()

    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        await hello(visitor)
        seen_by_visitor = (await receive_until(visitor, is_type("line")))["line"]["files"]
        console, _, _ = await agent_socket(cookie)
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        seen_by_agent = (await receive_until(console, is_type("line")))["line"]["files"]
        await visitor.disconnect()
        await console.disconnect()
        return seen_by_visitor, seen_by_agent

    by_visitor, by_agent = asyncio.run(scenario())
    common = {"id": attachment.public_id, "name": "shot.png", "size": len(png), "type": "image/png"}
    # The visitor's link is signed with a timestamp: compare what it names, not the token of another second.
    [seen] = by_visitor
    prefix = visitor_link(attachment.public_id, chat.public_id).split("/files/")[0] + "/files/"
    token = seen.pop("url").removeprefix(prefix).rstrip("/")
    assert (seen, read_visitor_link(token)) == (common, (attachment.public_id, chat.public_id))
    assert by_agent == [{**common, "url": f"/agent/files/{attachment.public_id}/"}]


def test_a_visitor_gone_while_their_message_is_stored_is_still_seen_leaving(client, chat, button, agent, account):
    """The network drops while the server stores the visitor's message: sending the ack fails (uvicorn raises
    ClientDisconnected, an OSError), the consumer carries on, and its disconnect still tells the agent."""
    from channels.testing import WebsocketCommunicator
    from uvicorn.protocols.utils import ClientDisconnected

    from helpline.channels.chat.tests.conftest import ORIGIN
    from helpline.config.asgi import application

    cookie = session_cookie(client, agent, account)
    gone = {"now": False}

    async def app_behind_a_dropping_network(scope, receive, send):
        async def send_or_fail(message):
            if gone["now"]:
                raise ClientDisconnected()
            await send(message)

        await application(scope, receive, send_or_fail)

    async def scenario():
        console, _, _ = await agent_socket(cookie)
        await console.send_json_to({"type": "open", "chat": chat.public_id, "last_seq": 0})
        await receive_until(console, is_type("state"))
        visitor = WebsocketCommunicator(app_behind_a_dropping_network, f"/ws/visitor/{button.key}/", headers=ORIGIN)
        assert (await visitor.connect(timeout=5))[0]
        await hello(visitor)
        assert (await receive_until(console, is_type("presence")))["visitor"] == "connected"
        gone["now"] = True
        await visitor.send_json_to({"type": "message", "cid": "v-1", "text": "are you there?"})
        line = (await receive_until(console, is_type("line")))["line"]  # stored and pushed; its ack went nowhere
        await visitor.disconnect()
        presence = await receive_until(console, is_type("presence"))
        await console.disconnect()
        return line, presence

    line, presence = asyncio.run(scenario())
    assert (line["seq"], line["cid"], line["text"]) == (1, "v-1", "are you there?")
    assert presence == {"type": "presence", "chat": chat.public_id, "visitor": "disconnected"}
