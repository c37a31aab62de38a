"""Bans, rate limits and visitor monitoring behind a reverse proxy: the client address comes from X-Forwarded-For
only when the direct peer is a trusted proxy (HELPLINE_TRUSTED_PROXIES); the socket goes through the same
uvicorn proxy layer ``helpline serve`` runs (helpline.config.server.uvicorn_config)."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator

from helpline.channels.chat.monitoring.models import Visit
from helpline.channels.chat.tests.conftest import ORIGIN, VISITOR, receive_until
from helpline.config.server import uvicorn_config
from helpline.conversations.models import Ticket
from helpline.security.actions.bans import ban_visitor

CLIENT = "198.51.100.77"
UNAVAILABLE = {"detail": "Sorry, the chat is not available.", "code": "unavailable"}


def start(client, button, **headers):
    return client.post(
        f"/widget/{button.key}/chats/",
        data=json.dumps({"visitor": VISITOR}),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_a_banned_client_behind_a_trusted_proxy_is_refused(client, button, account, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    ban_visitor(account=account, kind="ip", value=CLIENT, reason="abuse")
    response = start(client, button, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=f"{CLIENT}, 10.9.9.9")
    assert (response.status_code, response.json()) == (403, UNAVAILABLE)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_header_of_an_untrusted_peer_is_ignored_both_ways(client, button, account, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    ban_visitor(account=account, kind="ip", value=CLIENT, reason="abuse")
    # A banned client cannot hide behind a header it wrote itself…
    hidden = start(client, button, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert (hidden.status_code, hidden.json()) == (403, UNAVAILABLE)
    assert not Ticket.objects.exists()
    # …nor get someone else banned by naming them in it.
    other = start(client, button, REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR=CLIENT)
    assert other.status_code == 201
    session = Ticket.objects.get().chat_session
    assert session.form_data["ip"] == "203.0.113.1"


@pytest.mark.django_db
def test_the_chat_records_the_forwarded_client_address(client, button, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert start(client, button, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=CLIENT).status_code == 201
    assert Ticket.objects.get().chat_session.form_data["ip"] == CLIENT


def _served_app(settings, trusted: list[str]):
    """The ASGI application as ``helpline serve`` runs it: wrapped by uvicorn's proxy-headers layer."""
    settings.TRUSTED_PROXIES = trusted
    config = uvicorn_config(host="127.0.0.1", port=0)
    config.load()
    return config


async def _hello(app, key: str):
    communicator = WebsocketCommunicator(
        app, f"/ws/visitor/{key}/", headers=[*ORIGIN, (b"x-forwarded-for", CLIENT.encode())]
    )
    communicator.scope["client"] = ["127.0.0.1", 40000]
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    await communicator.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
    reply = await communicator.receive_json_from(timeout=5)
    if reply["type"] == "welcome":
        await communicator.send_json_to({"type": "page", "url": "https://shop.example/", "title": "Shop"})
        await receive_until(communicator, lambda m: m.get("type") == "page")
        await communicator.disconnect()
    return reply


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_the_served_socket_applies_the_same_trusted_proxies(button, account, settings):
    ban_visitor(account=account, kind="ip", value=CLIENT, reason="abuse")
    trusted = _served_app(settings, ["127.0.0.1/32", "::1/128"])
    assert (trusted.proxy_headers, trusted.forwarded_allow_ips) == (True, ["127.0.0.1/32", "::1/128"])
    refused = asyncio.run(_hello(trusted.loaded_app, button.key))
    assert refused == {"type": "error", "code": "unavailable", "detail": "Sorry, the chat is not available."}
    assert not Visit.objects.exists()

    nobody = _served_app(settings, [])  # HELPLINE_TRUSTED_PROXIES="": the header counts for nothing
    assert nobody.proxy_headers is False
    assert asyncio.run(_hello(nobody.loaded_app, button.key)) == {"type": "welcome", "chat": None}
    assert list(Visit.objects.values_list("ip", flat=True)) == ["127.0.0.1"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_visitor_monitoring_stores_the_forwarded_client_address(button, settings):
    app = _served_app(settings, ["127.0.0.1/32"]).loaded_app
    assert asyncio.run(_hello(app, button.key)) == {"type": "welcome", "chat": None}
    assert list(Visit.objects.values_list("ip", flat=True)) == [CLIENT]
