"""After the chat: the visitor rates it and asks for the transcript, which goes out through the email path."""

import asyncio

import pytest

from helpline.channels.chat.actions import (
    end_chat,
    post_agent_message,
    post_visitor_message,
    rate_chat,
    send_transcript,
)
from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.tests.conftest import VISITOR, receive_until, visitor_socket
from helpline.channels.email.tests.conftest import smtp_sink  # noqa: F401 - the real SMTP server fixture
from helpline.channels.email.tests.mail import body
from helpline.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_transcript_arrives_at_the_smtp_server(chat, agent, smtp_sink, django_capture_on_commit_callbacks):  # noqa: F811
    post_visitor_message(session=chat, cid="v1", text="Where is my parcel?")
    post_agent_message(session=chat, user=agent, cid="a1", text="It ships today.")
    end_chat(session=chat, ended_by="visitor")
    with django_capture_on_commit_callbacks(execute=True):
        message = send_transcript(session=chat, email="Vera@Example.com")
    message.refresh_from_db()
    assert (message.delivery_status, message.meta["channel"], message.meta["to"]) == (
        "sent",
        "email",
        ["vera@example.com"],
    )
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["vera@example.com"]
    mail = smtp_sink.parsed()
    assert mail["Subject"] == f"Your chat transcript [#{chat.ticket.code}]"
    assert mail["Auto-Submitted"] == "auto-generated"
    text = body(mail, "plain")
    assert f"Transcript of your chat (ticket {chat.ticket.code})" in text
    assert "Vera Visitor: Where is my parcel?" in text
    assert "Alice Agent: It ships today." in text
    assert text.index("Where is my parcel?") < text.index("It ships today.")
    chat.ticket.refresh_from_db()
    assert chat.ticket.status == "answered"  # an automatic mail does not change the ticket's state


def test_transcript_needs_a_valid_address_and_is_limited(chat, smtp_sink):  # noqa: F811
    with pytest.raises(DomainError):
        send_transcript(session=chat, email="nope")
    for _n in range(3):
        send_transcript(session=chat, email="vera@example.com")
    with pytest.raises(DomainError) as caught:
        send_transcript(session=chat, email="vera@example.com")
    assert caught.value.message == "The transcript has been sent already."
    assert chat.ticket.messages.filter(meta__automatic="chat_transcript").count() == 3


def test_rating_needs_an_ended_answered_chat(chat):
    with pytest.raises(DomainError):
        rate_chat(session=chat, rating="good")
    end_chat(session=chat, ended_by="agent")
    with pytest.raises(DomainError):
        rate_chat(session=chat, rating="meh")
    rate_chat(session=chat, rating="bad", comment="  Too slow  ")
    chat.refresh_from_db()
    assert (chat.rating, chat.rating_comment) == ("bad", "Too slow")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_the_visitor_rates_over_the_socket(chat, button):
    end_chat(session=chat, ended_by="agent")

    async def scenario():
        visitor, _, _ = await visitor_socket(button.key)
        await visitor.send_json_to({"type": "hello", "visitor": VISITOR, "last_seq": 0})
        await receive_until(visitor, lambda m: m["type"] == "welcome")
        await visitor.send_json_to({"type": "rate", "rating": "good", "comment": "Quick and kind"})
        rated = await receive_until(visitor, lambda m: m["type"] == "rated")
        state = await receive_until(visitor, lambda m: m["type"] == "state")
        await visitor.disconnect()
        return rated, state

    rated, state = asyncio.run(scenario())
    assert rated == {"type": "rated", "rating": "good"}
    assert state["state"]["rating"] == "good"
    assert ChatSession.objects.get(pk=chat.pk).rating_comment == "Quick and kind"
