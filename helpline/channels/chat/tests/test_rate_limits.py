"""Rate limits of the public widget (helpline.channels.chat.limits): per visitor and per IP address, per account.
The request past the limit is a 429 with Retry-After (on the socket an error frame) and stores nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpline.channels.chat import limits
from helpline.channels.chat.actions import end_chat
from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.tests.conftest import VISITOR, receive_until, visitor_socket
from helpline.conversations.models import Attachment, Message, Ticket
from helpline.ingest.models import InboundRecord

T0 = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # 10 s into every window
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
TOO_MANY = "Too many requests. Please wait %d seconds and try again."


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """Windows are aligned to the clock: a fixed time keeps a test from straddling two of them."""
    monkeypatch.setattr("helpline.core.clock.now", lambda: T0)


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def visitor(n: int) -> str:
    return f"visitor-{n:016d}"


def assert_refused(response, seconds: int):
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    assert response.json() == {"detail": TOO_MANY % seconds, "code": "rate_limited", "retry_after": seconds}


@pytest.mark.django_db
def test_a_visitor_starts_five_chats_in_ten_minutes_and_no_sixth(client, button, account):
    count, _per_ip = limits.LIMITS["start"]
    for _ in range(count.count):
        response = post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR, "message": "Hello"})
        assert response.status_code == 201
        end_chat(session=ChatSession.objects.get(public_id=response.json()["chat"]["chat"]), ended_by="visitor")
    before = (Ticket.objects.count(), ChatSession.objects.count(), Message.objects.count())
    assert before == (5, 5, 5)
    assert_refused(post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR, "message": "Hi"}), 590)
    assert (Ticket.objects.count(), ChatSession.objects.count(), Message.objects.count()) == before
    # Another visitor from the same address may still start one.
    assert post_json(client, f"/widget/{button.key}/chats/", {"visitor": visitor(1)}).status_code == 201


@pytest.mark.django_db
def test_one_address_is_limited_across_visitor_ids_and_a_forged_header_does_not_help(
    client, button, other_button, account, other_account
):
    _per_visitor, per_ip = limits.LIMITS["start"]
    peer = {"REMOTE_ADDR": "203.0.113.5"}  # not a trusted proxy: its X-Forwarded-For counts for nothing
    for n in range(per_ip.count):
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        response = post_json(client, f"/widget/{button.key}/chats/", {"visitor": visitor(n)}, **peer, **forged)
        assert response.status_code == 201
    assert Ticket.objects.filter(account=account).count() == 30
    refused = post_json(client, f"/widget/{button.key}/chats/", {"visitor": visitor(99)}, **peer)
    assert_refused(refused, 590)
    assert Ticket.objects.filter(account=account).count() == 30
    assert not ChatSession.objects.filter(visitor_id=visitor(99)).exists()
    # Another account's button counts apart: its visitors from the same address are not refused.
    other = post_json(client, f"/widget/{other_button.key}/chats/", {"visitor": visitor(99)}, **peer)
    assert other.status_code == 201
    assert Ticket.objects.filter(account=other_account).count() == 1


@pytest.mark.django_db
def test_the_offline_form_is_limited_per_visitor(client, button, account):
    for n in range(5):
        data = {"visitor": VISITOR, "email": "olga@example.com", "message": f"Message {n}"}
        assert post_json(client, f"/widget/{button.key}/offline/", data).status_code == 201
    assert Ticket.objects.filter(account=account).count() == 5
    refused = post_json(
        client, f"/widget/{button.key}/offline/", {"visitor": VISITOR, "email": "olga@example.com", "message": "6"}
    )
    assert_refused(refused, 3590)
    assert Ticket.objects.filter(account=account).count() == 5
    assert InboundRecord.objects.filter(account=account).count() == 5


@pytest.mark.django_db
def test_uploads_are_limited_per_visitor(client, chat, button):
    for n in range(10):
        upload = SimpleUploadedFile(f"shot-{n}.png", PNG)
        response = client.post(f"/widget/{button.key}/files/", {"visitor": VISITOR, "cid": f"f-{n}", "file": upload})
        assert response.status_code == 201
    refused = client.post(
        f"/widget/{button.key}/files/", {"visitor": VISITOR, "cid": "f-10", "file": SimpleUploadedFile("x.png", PNG)}
    )
    assert_refused(refused, 590)
    assert (ChatLine.objects.filter(session=chat).count(), Attachment.objects.count()) == (10, 10)


@pytest.mark.django_db
def test_the_leave_beacon_is_limited_per_visitor(client, button):
    for _ in range(60):
        response = client.post(
            f"/widget/{button.key}/leave/",
            data=json.dumps({"visitor": VISITOR, "view": "v1", "seconds": 3}),
            content_type="text/plain",
        )
        assert response.status_code == 204
    refused = client.post(
        f"/widget/{button.key}/leave/",
        data=json.dumps({"visitor": VISITOR, "view": "v1", "seconds": 3}),
        content_type="text/plain",
    )
    assert_refused(refused, 50)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_lines_on_the_socket_past_the_limit_get_an_error_frame_and_are_not_stored(chat, button):
    per_visitor, _per_ip = limits.LIMITS["line"]

    async def scenario():
        socket, connected, _code = await visitor_socket(button.key)
        assert connected
        await socket.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        await receive_until(socket, lambda m: m.get("type") == "welcome")
        acks = []
        for n in range(per_visitor.count):
            await socket.send_json_to({"type": "message", "cid": f"c-{n}", "text": f"line {n}"})
            acks.append(await receive_until(socket, lambda m: m.get("type") in ("ack", "error")))
        await socket.send_json_to({"type": "message", "cid": "c-over", "text": "one too many"})
        refused = await receive_until(socket, lambda m: m.get("type") in ("ack", "error"))
        await socket.disconnect()
        return acks, refused

    acks, refused = asyncio.run(scenario())
    assert [ack["type"] for ack in acks] == ["ack"] * 30
    assert refused == {
        "type": "error",
        "code": "rate_limited",
        "detail": TOO_MANY % 50,
        "cid": "c-over",
        "retry_after": 50,
    }
    assert ChatLine.objects.filter(session=chat).count() == 30
    assert not Message.objects.filter(body_text="one too many").exists()
    assert not InboundRecord.objects.filter(external_id__endswith=":c-over").exists()


@pytest.mark.django_db
def test_limits_can_be_switched_off_for_a_load_test(client, button, settings):
    settings.WIDGET_RATE_LIMITS = False  # HELPLINE_WIDGET_RATE_LIMITS=0
    for n in range(7):
        data = {"visitor": VISITOR, "email": "olga@example.com", "message": f"Message {n}"}
        assert post_json(client, f"/widget/{button.key}/offline/", data).status_code == 201
    assert Ticket.objects.count() == 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_page_views_on_the_socket_past_the_limit_get_an_error_frame_and_are_not_stored(button):
    from helpline.channels.chat.monitoring.models import PageView

    async def scenario():
        socket, connected, _code = await visitor_socket(button.key)
        assert connected
        await socket.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        await receive_until(socket, lambda m: m.get("type") == "welcome")
        replies = []
        for n in range(31):
            await socket.send_json_to({"type": "page", "url": f"https://shop.example/{n}", "title": f"Page {n}"})
            replies.append(await receive_until(socket, lambda m: m.get("type") in ("page", "error")))
        await socket.disconnect()
        return replies

    replies = asyncio.run(scenario())
    assert [reply["type"] for reply in replies] == ["page"] * 30 + ["error"]
    assert replies[-1] == {
        "type": "error",
        "code": "rate_limited",
        "detail": "Too many page views; slow down.",
        "about": "page",
        "retry_after": 50,
    }
    assert PageView.objects.count() == 30
    assert not PageView.objects.filter(url="https://shop.example/30").exists()
