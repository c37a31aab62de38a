"""The default deadline: set when a ticket starts waiting on the team (created, or a customer writes to an answered,
postponed or resolved ticket), counted in the department's or account's business hours, cleared by the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.calendars.actions import add_holiday
from helpline.conversations.actions import change_status, receive_message, send_reply
from helpline.tenancy.actions import set_department_hours, set_work_defaults
from helpline.tosolve.tests.conftest import NOW

pytestmark = pytest.mark.django_db

OFFICE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def test_a_new_ticket_is_due_seven_days_later_by_default(account, make_ticket, now):
    ticket = make_ticket(account)
    assert (ticket.status, ticket.sla_due_at) == ("new", NOW + timedelta(days=7))


def test_the_accounts_response_time_counts_in_its_business_hours(account, make_ticket, now):
    set_work_defaults(
        account=account, response_minutes=10 * 60, to_solve_mode="queue", own_hours=True, timezone="Europe/Berlin",
        weekly=OFFICE,
    )  # fmt: skip
    now.at = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # Friday 16:00 in Berlin: 1 h today, 8 h Monday, 1 h Tuesday
    ticket = make_ticket(account)
    assert ticket.sla_due_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin


def test_a_departments_own_hours_holidays_and_response_time_win(account, make_ticket, now, support):
    set_department_hours(
        department=support, own_hours=True, timezone="America/New_York", weekly=OFFICE, response_minutes=120
    )
    support.refresh_from_db()
    add_holiday(calendar=support.calendar, day=datetime(2026, 3, 2).date(), name="Closed")
    ticket = make_ticket(account, department=support)  # Monday 04:00 in New York, a holiday
    assert ticket.sla_due_at == datetime(2026, 3, 3, 16, 0, tzinfo=UTC)  # Tuesday 11:00 in New York
    other = make_ticket(account, subject="No department")
    assert other.sla_due_at == NOW + timedelta(days=7)


def test_the_answer_clears_the_deadline_and_the_customers_next_message_sets_a_new_one(account, make_ticket, agent, now):
    ticket = make_ticket(account)
    send_reply(ticket=ticket, author=agent, text="On it")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_due_at) == ("answered", None)
    now.at = NOW + timedelta(hours=5)
    receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Still burning")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_due_at) == ("open", NOW + timedelta(hours=5, days=7))


def test_another_customer_message_on_a_waiting_ticket_keeps_its_deadline(account, make_ticket, now):
    ticket = make_ticket(account)
    now.at = NOW + timedelta(hours=3)
    receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Hello?")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_due_at) == ("new", NOW + timedelta(days=7))


def test_a_note_an_automatic_answer_or_a_forward_do_not_clear_the_deadline(account, make_ticket, agent, now):
    ticket = make_ticket(account)
    send_reply(ticket=ticket, author=None, text="We got your message", automatic="new_ticket")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_due_at) == ("new", NOW + timedelta(days=7))


def test_a_resolved_ticket_reopened_by_the_customer_waits_again(account, make_ticket, now):
    ticket = make_ticket(account)
    change_status(ticket=ticket, status="resolved")
    now.at = NOW + timedelta(days=1)
    receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Back again")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_due_at) == ("open", NOW + timedelta(days=8))


def test_changed_hours_apply_to_the_next_ticket_at_once(
    account, make_ticket, now, support, django_capture_on_commit_callbacks
):
    assert make_ticket(account, department=support).sla_due_at == NOW + timedelta(days=7)  # cached now
    with django_capture_on_commit_callbacks(execute=True):  # the DepartmentChanged subscriber forgets the cache
        set_department_hours(department=support, own_hours=False, response_minutes=30)
    assert make_ticket(account, department=support, subject="later").sla_due_at == NOW + timedelta(minutes=30)
