"""Fixtures for the chat channel: a button, a visitor, a chat an agent has accepted, socket helpers."""

from __future__ import annotations

import importlib

import pytest
from channels.testing import WebsocketCommunicator

VISITOR = "visitor-0123456789abcdef"
ORIGIN = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture
def button(account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=account, name="Website")


@pytest.fixture
def other_button(other_account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=other_account, name="Website")


def make_available(account, user) -> None:
    """With routing installed, an agent must be online for chat to be rung; without it there is nothing to do."""
    from helpline.channels.chat.routing_bridge import routing_available

    if not routing_available():
        return
    routing = importlib.import_module("helpline.routing.actions")
    routing.set_presence(account=account, user=user, channel="chat", state="online")


def start(button, visitor: str = VISITOR, **data):
    from helpline.channels.chat.actions import VisitorForm, start_chat

    return start_chat(button=button, form=VisitorForm(visitor_id=visitor, **data))


@pytest.fixture
def chat(button, account, agent, django_capture_on_commit_callbacks):
    """A chat the agent accepted, with no lines yet."""
    from helpline.channels.chat.actions import accept_chat

    make_available(account, agent)
    with django_capture_on_commit_callbacks(execute=True):
        session = start(button, name="Vera Visitor", email="vera@example.com")
        accept_chat(session=session, user=agent)
    session.refresh_from_db()
    return session


def session_cookie(client, user, account=None) -> bytes:
    client.force_login(user)
    if account is not None:
        session = client.session
        session["account"] = account.public_id
        session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def visitor_socket(key: str):
    from helpline.config.asgi import application

    communicator = WebsocketCommunicator(application, f"/ws/visitor/{key}/", headers=ORIGIN)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def agent_socket(cookie: bytes):
    from helpline.config.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/agent/chats/", headers=[*ORIGIN, (b"cookie", cookie)])
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive_until(communicator, predicate, timeout: float = 5, lines: list | None = None) -> dict:
    """The next message matching ``predicate``, skipping others (events, presence, typing); every line message read
    on the way is appended to ``lines`` as (seq, text)."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if lines is not None and message.get("type") == "line":
            lines.append((message["line"]["seq"], message["line"]["text"]))
        if predicate(message):
            return message
