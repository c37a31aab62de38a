"""Visitor monitoring through the real ASGI stack: page views over the widget's socket, the agents' live visitors
socket, agent invitations reaching only that visitor, Do Not Track, the leave beacon, and tenant isolation."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from helpline.channels.chat.monitoring import actions
from helpline.channels.chat.monitoring.models import Invitation, PageView, Visit
from helpline.channels.chat.monitoring.tests.conftest import FIREFOX, VISITOR
from helpline.channels.chat.tests.conftest import ORIGIN, make_available, receive_until, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]

PAGE = {"type": "page", "url": "https://shop.example/pricing", "title": "Pricing", "referrer": "https://google.com/"}


def is_type(kind):
    return lambda message: message.get("type") == kind


async def widget(key: str, visitor: str = VISITOR, headers=()):
    from helpline.config.asgi import application

    communicator = WebsocketCommunicator(
        application, f"/ws/visitor/{key}/", headers=[*ORIGIN, (b"user-agent", FIREFOX.encode()), *headers]
    )
    communicator.scope["client"] = ["198.51.100.23", 50123]
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    await communicator.send_json_to({"type": "hello", "visitor": visitor, "last_seq": 0})
    await receive_until(communicator, is_type("welcome"))
    return communicator


async def visitors_list(cookie: bytes | None):
    from helpline.config.asgi import application

    headers = [*ORIGIN, (b"cookie", cookie)] if cookie else ORIGIN
    communicator = WebsocketCommunicator(application, "/ws/agent/visitors/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if connected:
        assert await communicator.receive_json_from(timeout=5) == {"type": "hello"}
    return communicator, connected, code


def test_a_page_view_is_stored_and_reaches_only_its_account_s_visitors_list(
    client, button, other_button, agent, account, other_account, make_agent
):
    cookie_a = session_cookie(client, agent, account)
    other_agent = make_agent(other_account, "bob@globex.test", "Bob")
    from django.test import Client

    cookie_b = session_cookie(Client(), other_agent, other_account)

    async def scenario():
        list_a, _, _ = await visitors_list(cookie_a)
        list_b, _, _ = await visitors_list(cookie_b)
        visitor = await widget(button.key)
        await visitor.send_json_to(PAGE)
        reply = await receive_until(visitor, is_type("page"))
        event_a = await list_a.receive_json_from(timeout=5)
        nothing_b = await list_b.receive_nothing(timeout=0.3)
        await visitor.disconnect()
        left = await list_a.receive_json_from(timeout=5)
        nothing_b_after = await list_b.receive_nothing(timeout=0.3)
        for communicator in (list_a, list_b):
            await communicator.disconnect()
        return reply, event_a, nothing_b and nothing_b_after, left

    reply, event_a, b_saw_nothing, left = asyncio.run(scenario())
    visit = Visit.objects.get()
    view = PageView.objects.get()
    assert reply == {"type": "page", "view": view.public_id, "invitations": []}
    assert event_a == {
        "type": "event",
        "event": "visitor.page_viewed",
        "visit": visit.public_id,
        "url": "https://shop.example/pricing",
        "title": "Pricing",
    }
    assert left["event"] == "visitor.left"
    assert b_saw_nothing
    assert (visit.account_id, visit.ip, visit.browser, visit.referrer, visit.connections) == (
        account.pk,
        "198.51.100.23",
        "Firefox 128",
        "https://google.com/",
        0,
    )
    assert Visit.objects.filter(account=other_account).count() == 0


def test_the_visitors_socket_needs_a_signed_in_agent():
    async def scenario():
        _communicator, connected, code = await visitors_list(None)
        return connected, code

    assert asyncio.run(scenario()) == (False, 4401)


def test_do_not_track_from_the_browser_stores_nothing(button):
    async def scenario():
        visitor = await widget(button.key, headers=[(b"dnt", b"1")])
        await visitor.send_json_to(PAGE)
        reply = await receive_until(visitor, is_type("page"))
        await visitor.disconnect()
        return reply

    assert asyncio.run(scenario()) == {"type": "page", "view": None, "invitations": []}
    assert (Visit.objects.count(), PageView.objects.count()) == (0, 0)


def test_a_bad_page_report_is_answered_with_an_error_and_stores_nothing(button):
    async def scenario():
        visitor = await widget(button.key)
        await visitor.send_json_to({"type": "page", "url": "javascript:alert(1)"})
        reply = await receive_until(visitor, is_type("error"))
        await visitor.disconnect()
        return reply

    reply = asyncio.run(scenario())
    assert (reply["code"], reply["about"]) == ("invalid", "page")
    assert Visit.objects.count() == 0


def test_a_rule_invitation_is_offered_shown_and_accepted(button, account, agent):
    make_available(account, agent)
    rule = actions.create_invitation_rule(
        account=account,
        name="Pricing",
        message="Questions about plans?",
        url_pattern="/pricing*",
        min_seconds_on_page=2,
    )

    async def scenario():
        visitor = await widget(button.key)
        await visitor.send_json_to(PAGE)
        offer = await receive_until(visitor, is_type("page"))
        await visitor.send_json_to({"type": "invitation", "rule": rule.public_id, "event": "shown"})
        shown = await receive_until(visitor, is_type("invitation"))
        await visitor.send_json_to({"type": "invitation", "invitation": shown["invitation"], "event": "accepted"})
        await visitor.send_json_to({"type": "ping"})
        await receive_until(visitor, is_type("pong"))
        await visitor.disconnect()
        return offer, shown

    offer, shown = asyncio.run(scenario())
    invitation = Invitation.objects.get()
    assert offer["invitations"] == [{"rule": rule.public_id, "message": "Questions about plans?", "after": 2}]
    assert offer["texts"] == {"accept": "Chat now", "dismiss": "Close the invitation", "label": "Invitation to chat"}
    assert shown == {"type": "invitation", "rule": rule.public_id, "invitation": invitation.public_id}
    assert (invitation.rule_id, invitation.shown_at is not None, invitation.accepted_at is not None) == (
        rule.pk,
        True,
        True,
    )


def test_an_agent_s_invitation_reaches_only_that_visitor_s_socket(button, other_button, agent):
    async def scenario():
        invited = await widget(button.key)
        bystander = await widget(button.key, visitor="another-visitor-0123456")
        namesake = await widget(other_button.key)  # the same visitor id on another account's site
        for communicator in (invited, bystander, namesake):
            await communicator.send_json_to(PAGE)
            await receive_until(communicator, is_type("page"))
        visit = await database_sync_to_async(Visit.objects.get)(account=button.account, visitor_id=VISITOR)
        invitation = await database_sync_to_async(actions.invite_visitor)(visit=visit, user=agent, message="Hi there!")
        received = await receive_until(invited, is_type("invite"))
        quiet = [await c.receive_nothing(timeout=0.3) for c in (bystander, namesake)]
        for communicator in (invited, bystander, namesake):
            await communicator.disconnect()
        return invitation, received, quiet

    invitation, received, quiet = asyncio.run(scenario())
    assert received == {
        "type": "invite",
        "invitation": invitation.public_id,
        "message": "Hi there!",
        "agent": "Alice Agent",
        "texts": {"accept": "Chat now", "dismiss": "Close the invitation", "label": "Invitation to chat"},
    }
    assert quiet == [True, True]


def test_the_leave_beacon_sets_the_time_on_the_visitor_s_own_page_only(client, button, other_button):
    from helpline.channels.chat.monitoring.tests.conftest import view

    mine = view(button)
    url = f"/widget/{button.key}/leave/"
    body = {"visitor": VISITOR, "view": mine.public_id, "seconds": 12}
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 204
    assert PageView.objects.get().seconds_on_page == 12
    # Another account's key, a broken body, an unknown key: nothing changes, never a 500.
    other = client.post(
        f"/widget/{other_button.key}/leave/", json.dumps({**body, "seconds": 99}), content_type="application/json"
    )
    assert other.status_code == 204
    broken = client.post(url, b"{not json", content_type="application/json")
    assert (broken.status_code, broken.json()["code"]) == (400, "invalid")
    assert client.post("/widget/nope/leave/", json.dumps(body), content_type="application/json").status_code == 404
    assert client.post(url, b"x" * 4000, content_type="application/json").status_code == 413
    assert client.get(url).status_code == 405
    assert PageView.objects.get().seconds_on_page == 12
