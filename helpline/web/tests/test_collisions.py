"""The send-time collision warning: another agent replied since this agent last looked at the ticket."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import add_note, send_reply
from helpline.conversations.models import Message
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in


@pytest.fixture
def bob(account, make_agent):
    return make_agent(account, "bob@acme.test", "Bob Builder")


def first_message(ticket) -> Message:
    return Message.objects.filter(ticket=ticket).order_by("id").first()


def counts() -> tuple[int, int]:
    return Message.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_reply_by_another_agent_since_seen_is_shown_and_nothing_is_sent(agent_client, ticket, bob, headers):
    seen = first_message(ticket).public_id
    theirs = send_reply(ticket=ticket, author=bob, text="Bob already fixed it.")
    before = counts()
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/",
        {"body": "I will look into it.", "seen": seen, "cc": "boss@example.com"},
        **headers,
    )
    assert response.status_code == 422
    assert counts() == before
    body = response.content.decode()
    assert "Another agent replied while you were writing. Your reply has not been sent yet." in body
    assert f'data-collision-reply="{theirs.public_id}"' in body
    assert "<strong>Bob Builder</strong>" in body
    assert "<p>Bob already fixed it.</p>" in body
    assert "I will look into it.</textarea>" in body  # what was typed is kept
    assert 'name="send_anyway" value="1"' in body
    assert f'name="seen" value="{theirs.public_id}"' in body  # now seen: sending again goes through
    if headers:
        assert body.lstrip().startswith('<section id="composer"')
        assert f'data-thread-for="{ticket.public_id}" hx-swap-oob="true"' in body


def test_send_anyway_sends(agent_client, ticket, agent, bob):
    seen = first_message(ticket).public_id
    send_reply(ticket=ticket, author=bob, text="Bob already fixed it.")
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Me too.", "seen": seen, "send_anyway": "1"}
    )
    assert response.status_code == 302
    last = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert (last.body_text, last.author_user_id, last.direction) == ("Me too.", agent.pk, "out")


def test_no_warning_for_what_was_seen_own_replies_notes_and_customer_messages(agent_client, ticket, agent, bob):
    send_reply(ticket=ticket, author=bob, text="Seen already.")
    seen = Message.objects.filter(ticket=ticket).order_by("id").last().public_id
    send_reply(ticket=ticket, author=agent, text="My own earlier reply.")
    add_note(ticket=ticket, author=bob, text="Bob's note is internal.")
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Sent.", "seen": seen})
    assert response.status_code == 302
    assert Message.objects.filter(ticket=ticket).order_by("id").last().body_text == "Sent."


def test_no_seen_field_means_no_check(agent_client, ticket, bob):
    send_reply(ticket=ticket, author=bob, text="Bob replied.")
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Without JavaScript state."})
    assert response.status_code == 302


def test_a_seen_id_of_another_account_counts_as_nothing_seen(agent_client, ticket, bob, other_account, make_ticket):
    foreign = first_message(make_ticket(other_account))
    send_reply(ticket=ticket, author=bob, text="Bob replied.")
    before = counts()
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Hello", "seen": foreign.public_id}, **HTMX
    )
    assert response.status_code == 422
    assert counts() == before
    assert "Bob replied." in response.content.decode()


def test_the_composer_carries_the_newest_message_as_seen(agent_client, ticket, bob):
    newest = send_reply(ticket=ticket, author=bob, text="Newest.")
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f'<input type="hidden" name="seen" value="{newest.public_id}" data-seen-message>' in page


def test_another_accounts_agent_gets_404_and_nothing_changes(ticket, other_account, make_agent):
    intruder = signed_in(make_agent(other_account, "mallory@globex.test"), other_account)
    before = counts()
    response = intruder.post(
        f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Hi", "seen": first_message(ticket).public_id}
    )
    assert response.status_code == 404
    assert counts() == before
