"""An agent answering from their own mail client: accepted only with their address AND a valid reply token."""

import pytest

from helpline.channels.email import reply_token
from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Ticket
from helpline.tenancy.models import Membership


@pytest.fixture
def thread(account, mailbox, agent, receive, reply, smtp_sink):
    """Carla's mail, then Alice's reply through Helpline (its Message-ID carries Alice's token)."""
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    sent = reply(ticket, agent, text="Which model is it?")
    smtp_sink.envelopes.clear()
    return ticket, sent


def agent_mail(sender, in_reply_to, message_id="<alice-1@acme-mail.test>", **kwargs):
    return raw_mail(
        sender=sender,
        to="carla@example.com",
        subject="Re: Broken kettle",
        message_id=message_id,
        body="It is the K-200, a new one is on its way.",
        headers={"In-Reply-To": in_reply_to, "Cc": "support@acme.test", **kwargs.pop("headers", {})},
        **kwargs,
    )


def test_agent_reply_from_their_mail_client_is_stored_as_their_reply(
    account, mailbox, agent, thread, receive, smtp_sink
):
    ticket, sent = thread
    result = receive(account, agent_mail(f"Alice Agent <{agent.email}>", sent.external_id), mailbox)
    assert result.thread_reason == "agent_reply"
    message = result.message
    assert (message.ticket_id, message.direction, message.author_user, message.author_contact) == (
        ticket.pk,
        "out",
        agent,
        None,
    )
    assert (message.delivery_status, message.external_id) == ("sent", "<alice-1@acme-mail.test>")
    assert message.body_text == "It is the K-200, a new one is on its way."
    assert message.meta["thread_reason"] == "agent_reply"
    assert smtp_sink.envelopes == []  # never sent again to the customer
    ticket.refresh_from_db()
    assert ticket.status == "answered"


def test_token_in_the_x_helpline_reply_token_header_counts_too(account, mailbox, agent, thread, receive):
    ticket, _sent = thread
    header = reply_token.token(ticket.public_id, agent.public_id)
    raw = agent_mail(agent.email, "<unrelated@example.com>", headers={"X-Helpline-Reply-Token": header})
    assert receive(account, raw, mailbox).thread_reason == "agent_reply"


def test_a_stranger_quoting_the_agents_message_id_stays_a_stranger(account, mailbox, thread, receive):
    ticket, sent = thread
    result = receive(account, agent_mail("mallory@evil.example", sent.external_id), mailbox)
    assert result.thread_reason == "stranger_new_ticket"
    assert (result.message.direction, result.message.author_user) == ("in", None)
    assert result.message.ticket_id != ticket.pk
    assert list(ticket.messages.order_by("id").values_list("direction", "author_user")) == [
        ("in", None),
        ("out", None),  # the acknowledgement
        ("out", sent.author_user_id),
    ]


def test_agent_address_with_a_forged_token_is_not_an_agent_reply(account, mailbox, agent, thread, receive):
    ticket, sent = thread
    forged = sent.external_id.replace(sent.external_id.split(".")[4][:4], "zzzz", 1)
    assert reply_token.verify(forged) is None
    result = receive(account, agent_mail(agent.email, forged), mailbox)
    assert result.thread_reason == "new_ticket"  # a Message-ID nobody sent matches nothing
    assert result.message.author_user is None
    assert result.message.direction == "in"


def test_a_token_made_for_another_agent_does_not_count(account, mailbox, agent, make_agent, thread, receive):
    ticket, sent = thread
    bob = make_agent(account, "bob@acme.test", "Bob Agent")
    result = receive(account, agent_mail(bob.email, sent.external_id), mailbox)
    assert result.thread_reason != "agent_reply"
    assert result.message.author_user is None


def test_ticket_code_and_a_made_up_message_id_never_make_an_agent(account, mailbox, agent, thread, receive):
    ticket, _sent = thread
    fake = f"<hl1.aaaaaaaaaa.{ticket.public_id}.{agent.public_id}.{'a' * 26}@acme.test>"
    raw = agent_mail(agent.email, fake)
    raw = raw.replace(b"Subject: Re: Broken kettle", f"Subject: Re: Broken kettle [#{ticket.code}]".encode())
    result = receive(account, raw, mailbox)
    assert result.message.author_user is None
    assert result.message.direction == "in"
    assert result.thread_reason == "stranger_new_ticket"


def test_an_agent_who_left_the_account_is_no_agent(account, mailbox, agent, thread, receive):
    _ticket, sent = thread
    Membership.objects.filter(account=account, user=agent).update(is_active=False)
    result = receive(account, agent_mail(agent.email, sent.external_id), mailbox)
    assert result.thread_reason != "agent_reply"
    assert result.message.author_user is None


def test_an_agents_token_is_worthless_in_another_account(
    account, other_account, mailbox, make_mailbox, make_agent, agent, thread, receive
):
    _ticket, sent = thread
    make_agent(other_account, agent.email)  # Alice works for Globex too
    theirs = make_mailbox(other_account, "help@globex.test")
    result = receive(other_account, agent_mail(agent.email, sent.external_id), theirs)
    assert result.thread_reason == "new_ticket"
    assert result.message.author_user is None
    assert Ticket.objects.filter(account=other_account).count() == 1


def test_tokens_verify_only_with_the_secret_key(settings, agent, ticket):
    value = reply_token.message_id(ticket_public_id=ticket.public_id, agent_public_id=agent.public_id, domain="x.test")
    assert reply_token.verify(value) == reply_token.ReplyToken(ticket.public_id, agent.public_id)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert reply_token.verify(value) is None
