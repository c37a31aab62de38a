"""The per-agent option "answer only through To solve": the reply action refuses any other ticket, and nothing
changes when it does; notes, automatic answers and agents without the option are not affected."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import add_note, send_reply
from helpline.conversations.models import Message
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import set_answer_only_to_solve
from helpline.tosolve import claims
from helpline.tosolve.answering import AnswerThroughToSolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(membership):
    return set_answer_only_to_solve(membership=membership, value=True)


def test_the_option_is_audited(membership):
    set_answer_only_to_solve(membership=membership, value=True)
    set_answer_only_to_solve(membership=membership, value=True)  # no change, no second row
    membership.refresh_from_db()
    assert membership.answer_only_to_solve is True
    entries = AuditEntry.objects.filter(action="agent.answer_only_to_solve_set")
    assert [e.data for e in entries] == [{"answer_only_to_solve": True}]


def test_an_agent_with_the_option_cannot_answer_a_ticket_to_solve_did_not_hand_out(restricted, agent, place, support):
    ticket = place("Skipped the queue", due=1, department=support)
    before = (ticket.status, ticket.message_count, Message.objects.count())
    with pytest.raises(AnswerThroughToSolve) as caught:
        send_reply(ticket=ticket, author=agent, text="Jumping the queue")
    assert caught.value.message == "You answer tickets through To solve: open the next ticket with To solve."
    assert (caught.value.status, caught.value.code) == (403, "answer_through_to_solve")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count, Message.objects.count()) == before
    assert not AuditEntry.objects.filter(action="reply.queued").exists()


def test_the_handed_out_ticket_can_be_answered(restricted, agent, place, support, account):
    ticket = place("Next in line", due=1, department=support)
    claims.hand_out(account_id=account.pk, user_id=agent.pk, ticket_id=ticket.pk)
    message = send_reply(ticket=ticket, author=agent, text="Answered in order")
    ticket.refresh_from_db()
    assert (message.body_text, ticket.status) == ("Answered in order", "answered")


def test_notes_and_automatic_answers_are_not_restricted(restricted, agent, place, support):
    ticket = place("Any ticket", due=1, department=support)
    add_note(ticket=ticket, author=agent, text="A note is no answer")
    send_reply(ticket=ticket, author=None, text="We got it", automatic="new_ticket")
    assert list(Message.objects.filter(ticket=ticket).order_by("id").values_list("body_text", flat=True))[-2:] == [
        "A note is no answer",
        "We got it",
    ]


def test_agents_without_the_option_answer_any_ticket(membership, agent, place, support):
    ticket = place("Any ticket", due=1, department=support)
    send_reply(ticket=ticket, author=agent, text="Free to answer")
    ticket.refresh_from_db()
    assert ticket.status == "answered"


def test_the_option_in_one_account_does_not_bind_the_agent_in_another(
    restricted, agent, make_agent, make_ticket, other_account
):
    make_agent(other_account, agent.email)
    theirs = make_ticket(other_account, subject="Elsewhere")
    send_reply(ticket=theirs, author=agent, text="Not bound here")
    theirs.refresh_from_db()
    assert theirs.status == "answered"
