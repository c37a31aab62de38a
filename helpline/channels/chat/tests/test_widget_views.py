"""The widget's HTTP side: loader script, frame page, pre-chat and offline forms; isolation between accounts."""

import json

import pytest

from helpline.channels.chat.actions import update_chat_button
from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.tests.conftest import VISITOR, make_available
from helpline.conversations.models import Ticket
from helpline.people.models import ContactIdentity

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_loader_script_is_small_cacheable_and_names_the_frame(client, button):
    response = client.get(f"/widget/{button.key}.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert f'"frame": "http://testserver/widget/{button.key}/frame/"' in body
    assert body.count("try {") >= 3  # every entry point is wrapped: nothing throws into the host page
    assert len(response.content) < 5000


def test_unknown_or_inactive_key_is_404(client, button):
    assert client.get("/widget/nope.js").status_code == 404
    update_chat_button(button=button, is_active=False)
    assert client.get(f"/widget/{button.key}.js").status_code == 404
    assert client.get(f"/widget/{button.key}/frame/").status_code == 404
    assert post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR}).status_code == 404


def test_frame_page_may_be_framed_and_has_a_strict_policy(client, button):
    update_chat_button(button=button, custom_css=".launcher{border-radius:0}</style><script>alert(1)</script>")
    response = client.get(f"/widget/{button.key}/frame/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp
    assert "connect-src 'self' ws://testserver wss://testserver" in csp
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert ".launcher{border-radius:0}" in html
    assert 'aria-label="Close the chat"' in html


def test_frame_texts_follow_the_button_language(client, button):
    update_chat_button(button=button, language="de")
    html = client.get(f"/widget/{button.key}/frame/").content.decode()
    assert '<html lang="de">' in html


def test_start_creates_contact_ticket_and_session(client, button, account, agent):
    make_available(account, agent)
    response = post_json(
        client,
        f"/widget/{button.key}/chats/",
        {"visitor": VISITOR, "name": "Vera Visitor", "email": "Vera@Example.com", "message": "Where is my parcel?"},
    )
    assert response.status_code == 201
    session = ChatSession.objects.get(button=button)
    assert response.json()["chat"]["chat"] == session.public_id
    assert response.json()["chat"]["state"] == "waiting"
    ticket = session.ticket
    assert (ticket.account_id, ticket.channel, ticket.status, ticket.subject) == (
        account.pk,
        "chat",
        "chatting",
        "Where is my parcel?",
    )
    assert ticket.contact.name == "Vera Visitor"
    assert set(ticket.contact.identities.values_list("kind", "value")) == {
        ("email", "vera@example.com"),
        ("visitor", VISITOR),
    }
    assert list(ticket.messages.values_list("kind", "direction", "body_text")) == [
        ("chat", "in", "Where is my parcel?")
    ]
    assert list(session.lines.values_list("seq", "cid", "side")) == [(1, "prechat", "visitor")]


def test_start_twice_returns_the_open_chat(client, button, account, agent):
    make_available(account, agent)
    first = post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR})
    second = post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR})
    assert first.json()["chat"]["chat"] == second.json()["chat"]["chat"]
    assert Ticket.objects.filter(account=account).count() == 1


def test_prechat_errors_are_a_clear_422(client, button):
    update_chat_button(
        button=button,
        name_field="required",
        email_field="required",
        custom_fields=[{"key": "order", "label": "Order number", "required": True}],
    )
    response = post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR, "email": "not-an-address"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Please correct the marked fields.",
        "code": "invalid_form",
        "errors": {
            "name": "Please enter your name.",
            "email": "Please enter a valid email address.",
            "order": "Please fill in Order number.",
        },
    }
    assert not ChatSession.objects.exists()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"{not json", 400, "Send the form as JSON."),
        (b"[1, 2]", 400, "Send the form as a JSON object."),
        (b'{"visitor": "short"}', 422, "Please correct the marked fields."),
    ],
)
def test_malformed_bodies_are_4xx(client, button, body, status, detail):
    response = client.post(f"/widget/{button.key}/chats/", data=body, content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert not Ticket.objects.exists()


def test_offline_form_opens_a_ticket(client, button, account):
    response = post_json(
        client,
        f"/widget/{button.key}/offline/",
        {"visitor": VISITOR, "name": "Olga", "email": "olga@example.com", "message": "Call me back\nplease"},
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get(account=account)
    assert (ticket.channel, ticket.status, ticket.subject, ticket.contact.primary_email) == (
        "chat",
        "new",
        "Call me back",
        "olga@example.com",
    )
    message = ticket.messages.get()
    assert (message.kind, message.body_text, message.meta["chat_button"]) == (
        "form",
        "Call me back\nplease",
        button.public_id,
    )
    assert not ChatSession.objects.exists()


def test_offline_form_needs_email_and_message(client, button):
    response = post_json(client, f"/widget/{button.key}/offline/", {"visitor": VISITOR})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"email", "message"}
    assert not Ticket.objects.exists()


def test_a_widget_key_reaches_its_own_account_only(client, button, other_button, account, other_account, agent):
    make_available(account, agent)
    post_json(client, f"/widget/{button.key}/chats/", {"visitor": VISITOR, "email": "same@example.com"})
    post_json(client, f"/widget/{other_button.key}/chats/", {"visitor": VISITOR, "email": "same@example.com"})
    own, foreign = (ChatSession.objects.get(button=b) for b in (button, other_button))
    assert (own.account_id, own.ticket.account_id, own.contact.account_id) == (account.pk,) * 3
    assert (foreign.account_id, foreign.ticket.account_id, foreign.contact.account_id) == (other_account.pk,) * 3
    assert own.contact_id != foreign.contact_id
    assert ContactIdentity.objects.filter(kind="visitor", value=VISITOR).count() == 2
