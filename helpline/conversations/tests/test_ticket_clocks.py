"""The clocks time rules and SLA count from: status change, last customer message, last agent reply."""

from datetime import UTC, datetime, timedelta

import pytest

from helpline.conversations import actions
from helpline.conversations.models import Ticket
from helpline.conversations.statuses import Status
from helpline.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch):
    moment = {"now": START}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def move(minutes: int):
        moment["now"] = START + timedelta(minutes=minutes)

    return move


def clocks(ticket):
    row = Ticket.objects.get(pk=ticket.pk)
    return row.status_changed_at, row.last_customer_message_at, row.last_agent_message_at


def test_a_new_ticket_starts_every_clock_it_has(at, make_ticket, account):
    ticket = make_ticket(account)
    assert clocks(ticket) == (START, START, None)


def test_a_reply_starts_the_agent_clock_and_the_answered_status(at, make_ticket, account, agent):
    ticket = make_ticket(account)
    at(30)
    actions.send_reply(ticket=ticket, author=agent, text="On it")
    assert clocks(ticket) == (START + timedelta(minutes=30), START, START + timedelta(minutes=30))


def test_a_second_reply_keeps_the_status_clock(at, make_ticket, account, agent):
    ticket = make_ticket(account)
    at(30)
    actions.send_reply(ticket=ticket, author=agent, text="On it")
    at(40)
    actions.send_reply(ticket=ticket, author=agent, text="Still on it")
    assert clocks(ticket) == (START + timedelta(minutes=30), START, START + timedelta(minutes=40))


def test_a_note_moves_no_clock(at, make_ticket, account, agent):
    ticket = make_ticket(account)
    at(5)
    actions.add_note(ticket=ticket, author=agent, text="VIP")
    assert clocks(ticket) == (START, START, None)


def test_the_customer_answering_restarts_the_customer_and_status_clocks(at, make_ticket, account, agent):
    ticket = make_ticket(account)
    at(30)
    actions.send_reply(ticket=ticket, author=agent, text="Try again?")
    at(90)
    actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Still broken")
    ninety = START + timedelta(minutes=90)
    assert clocks(ticket) == (ninety, ninety, START + timedelta(minutes=30))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_changing_the_status_restarts_its_clock_only_on_a_change(at, make_ticket, account):
    ticket = make_ticket(account)
    at(10)
    actions.change_status(ticket=ticket, status=Status.POSTPONED)
    at(20)
    actions.change_status(ticket=ticket, status=Status.POSTPONED)
    assert clocks(ticket)[0] == START + timedelta(minutes=10)
