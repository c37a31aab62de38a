"""Every inbound channel is rewritten before storage: an email through the pipeline (its raw copy unchanged),
a chat line, a contact form; the API's own tickets too."""

from __future__ import annotations

import pytest

from helpline.conversations.models import Message
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import read_raw
from helpline.replacements import actions

RAW = (
    b"From: Carla Customer <carla@example.com>\r\n"
    b"To: support@acme.test\r\n"
    b"Subject: Card 4111-1111-1111-1234 declined\r\n"
    b"Message-ID: <card-1@example.com>\r\n"
    b"Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"My card 4111-1111-1111-1234 was declined.\r\n"
    b"--b1\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b'<p data-card="4111-1111-1111-1234">My card <b>4111-1111-1111-1234</b> was declined.</p>\r\n'
    b"--b1--\r\n"
)
CARD = r"\b(\d{4})-(\d{4})-(\d{4})-(\d{4})\b"


@pytest.fixture
def card_rule(account):
    return actions.create_rule(account=account, pattern=CARD, replacement=r"XXXX-XXXX-XXXX-\4", is_regex=True)


def test_an_email_arrives_rewritten_while_its_raw_copy_is_unchanged(account, card_rule):
    from helpline.channels.email.inbound import receive_email

    result = receive_email(account=account, raw=RAW)
    message = Message.objects.get(pk=result.message.pk)
    assert message.ticket.subject == "Card XXXX-XXXX-XXXX-1234 declined"
    assert message.body_text.strip() == "My card XXXX-XXXX-XXXX-1234 was declined."
    assert "4111" not in message.body_html
    assert "<b>XXXX-XXXX-XXXX-1234</b>" in message.body_html
    record = InboundRecord.objects.get(pk=result.record.pk)
    assert read_raw(record.raw_key) == RAW  # the original, as it arrived


def test_a_reply_does_not_rename_the_ticket(account, card_rule):
    from helpline.channels.email.inbound import receive_email

    first = receive_email(account=account, raw=RAW).message
    reply = RAW.replace(b"<card-1@example.com>", b"<card-2@example.com>\r\nIn-Reply-To: <card-1@example.com>")
    reply = reply.replace(b"Subject: Card", b"Subject: Re: new subject 4111-1111-1111-9999 Card")
    second = receive_email(account=account, raw=reply).message
    assert second.ticket_id == first.ticket_id
    second.ticket.refresh_from_db()
    assert second.ticket.subject == "Card XXXX-XXXX-XXXX-1234 declined"


def test_a_chat_line_is_rewritten(account, agent, card_rule, django_capture_on_commit_callbacks):
    from helpline.channels.chat.actions import accept_chat, create_chat_button, post_visitor_message
    from helpline.channels.chat.tests.conftest import make_available, start

    button = create_chat_button(account=account, name="Website")
    make_available(account, agent)
    with django_capture_on_commit_callbacks(execute=True):
        session = start(button, name="Vera Visitor", email="vera@example.com")
        accept_chat(session=session, user=agent)
    line = post_visitor_message(session=session, cid="c1", text="card 4111-1111-1111-1234 please")
    assert Message.objects.get(pk=line.message_id).body_text == "card XXXX-XXXX-XXXX-1234 please"


def test_a_contact_form_is_rewritten_and_another_accounts_rule_does_not_apply(account, other_account, card_rule):
    from helpline.channels.chat.actions import VisitorForm, create_chat_button, submit_offline_form

    actions.create_rule(account=other_account, pattern="declined", replacement="OTHER")
    button = create_chat_button(account=account, name="Website")
    form = VisitorForm(
        visitor_id="visitor-1", name="Vera", email="vera@example.com", message="4111-1111-1111-1234 declined"
    )
    ticket = submit_offline_form(button=button, form=form)
    assert ticket.messages.get().body_text == "XXXX-XXXX-XXXX-1234 declined"
    ticket.refresh_from_db()
    assert ticket.subject == "XXXX-XXXX-XXXX-1234 declined"


def test_a_rule_for_chat_only_leaves_email_alone(account):
    from helpline.channels.email.inbound import receive_email

    actions.create_rule(account=account, pattern=CARD, replacement="[card]", is_regex=True, channels=["chat"])
    message = receive_email(account=account, raw=RAW).message
    assert "4111-1111-1111-1234" in Message.objects.get(pk=message.pk).body_text


def test_rules_that_remove_everything_still_store_a_message(account):
    from helpline.channels.email.inbound import receive_email

    actions.create_rule(account=account, pattern=r"[\s\S]+", replacement="", is_regex=True, in_subject=False)
    message = Message.objects.get(pk=receive_email(account=account, raw=RAW).message.pk)
    assert message.body_text == "(empty message)"
