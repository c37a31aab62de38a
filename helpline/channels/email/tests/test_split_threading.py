"""After a ticket is split, mail answering a moved message threads into the new ticket; the rest stays."""

import pytest

from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.actions import split_ticket
from helpline.conversations.models import Message, Ticket


@pytest.fixture
def split(account, mailbox, agent, reply, receive):
    """Carla's first mail, our answer, her second question (a new topic) and our answer to it; split at the question."""
    first = receive(account, raw_mail(), mailbox).message
    ticket = first.ticket
    answer = reply(ticket, agent, text="Descale it.")
    question = receive(
        account,
        raw_mail(
            subject="Re: Broken kettle",
            message_id="<m2@example.com>",
            body="And my toaster?",
            headers={"In-Reply-To": answer.external_id, "References": f"<m1@example.com> {answer.external_id}"},
        ),
        mailbox,
    ).message
    assert question.ticket_id == ticket.pk
    toaster_answer = reply(ticket, agent, text="Unplug the toaster.")
    new = split_ticket(ticket=ticket, from_message=question)
    assert list(Message.objects.filter(ticket=new).order_by("id")) == [question, toaster_answer]
    return {"ticket": ticket, "new": new, "answer": answer, "question": question, "toaster_answer": toaster_answer}


def test_a_reply_to_a_moved_agent_reply_lands_in_the_new_ticket(account, mailbox, split, receive):
    moved = split["toaster_answer"]
    chain = f"<m1@example.com> {split['answer'].external_id} <m2@example.com> {moved.external_id}"
    raw = raw_mail(
        subject=f"Re: [#{split['ticket'].code}] Broken kettle",
        message_id="<m3@example.com>",
        body="The toaster works again.",
        headers={"In-Reply-To": moved.external_id, "References": chain},
    )
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("in_reply_to", split["new"].pk)
    assert Ticket.objects.get(pk=split["new"].pk).message_count == 3
    assert Ticket.objects.get(pk=split["ticket"].pk).message_count == 3  # first mail, automatic answer, answer


def test_a_follow_up_to_a_moved_customer_mail_lands_in_the_new_ticket(account, mailbox, split, receive):
    raw = raw_mail(
        subject="Re: Broken kettle",
        message_id="<m4@example.com>",
        headers={"References": "<m1@example.com> <m2@example.com>"},
    )
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("references", split["new"].pk)


def test_a_reply_to_a_message_that_stayed_lands_in_the_original(account, mailbox, split, receive):
    raw = raw_mail(
        subject="Re: Broken kettle",
        message_id="<m5@example.com>",
        headers={"In-Reply-To": split["answer"].external_id},
    )
    result = receive(account, raw, mailbox)
    assert (result.thread_reason, result.message.ticket_id) == ("in_reply_to", split["ticket"].pk)
