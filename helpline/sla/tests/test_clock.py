"""The SLA clock through the real conversation actions and events, with a controlled clock."""

from __future__ import annotations

from datetime import date

from helpline.conversations.actions import change_priority, change_status, receive_message, send_reply
from helpline.conversations.models import Ticket
from helpline.conversations.statuses import Priority, Status
from helpline.sla.tests.conftest import state_of, utc


def _new(run, make_ticket, account, **kwargs):
    ticket = run(make_ticket, account, **kwargs)
    ticket.refresh_from_db()
    return ticket


def test_a_new_ticket_gets_its_level_and_due_times_in_calendar_hours(
    account, make_level, make_sla_rule, make_ticket, run, clock
):
    make_sla_rule(account, make_level(account))  # first response 60 min, resolution 480 min (normal)
    ticket = _new(run, make_ticket, account)

    state = state_of(ticket)
    assert (state.fr_state, state.fr_due_at) == ("running", utc(2026, 3, 2, 9, 0))
    assert (state.res_state, state.res_due_at) == ("running", utc(2026, 3, 2, 16, 0))
    assert state.nr_state == ""
    assert ticket.sla_due_at == utc(2026, 3, 2, 9, 0)  # the nearest running target
    assert state.next_check_at == utc(2026, 3, 2, 9, 0)


def test_without_a_matching_rule_the_default_deadline_stays(
    account, make_level, make_sla_rule, make_ticket, run, clock
):
    level = make_level(account)
    make_sla_rule(account, level, conditions={"match": "all", "groups": [{"match": "all", "conditions": [
        {"field": "ticket.subject", "op": "contains", "value": "vip"}]}]})  # fmt: skip
    ticket = _new(run, make_ticket, account, subject="Ordinary")

    from helpline.sla.models import SlaState
    from helpline.tosolve.deadlines import default_due_for

    assert not SlaState.objects.filter(ticket=ticket).exists()
    assert ticket.sla_due_at == default_due_for(ticket) is not None


def test_business_hours_skip_the_night_the_weekend_and_a_holiday(
    account, make_level, make_sla_rule, make_calendar, make_ticket, run, clock
):
    calendar = make_calendar(account, holidays=[date(2026, 3, 9)])  # Mon–Fri 09:00–17:00 UTC; Monday 9th closed
    make_sla_rule(account, make_level(account, calendar=calendar))
    clock.set(utc(2026, 3, 6, 16, 30))  # Friday, half an hour before closing
    ticket = _new(run, make_ticket, account)

    # 30 minutes on Friday, the weekend and the holiday closed, 30 minutes on Tuesday.
    assert state_of(ticket).fr_due_at == utc(2026, 3, 10, 9, 30)
    assert ticket.sla_due_at == utc(2026, 3, 10, 9, 30)


def test_daylight_saving_in_spring_and_autumn(
    account, make_level, make_sla_rule, make_calendar, make_ticket, run, clock
):
    prague = make_calendar(account, timezone="Europe/Prague")  # Mon–Fri 09:00–17:00 Prague time
    make_sla_rule(account, make_level(account, calendar=prague, targets={"first_response": {"normal": 120}}))
    clock.set(utc(2026, 3, 27, 15, 0))  # Friday 16:00 CET; clocks go forward on Sunday 29 March
    spring = _new(run, make_ticket, account)
    clock.set(utc(2026, 10, 23, 14, 0))  # Friday 16:00 CEST; clocks go back on Sunday 25 October
    autumn = _new(run, make_ticket, account, email="autumn@example.com")

    assert state_of(spring).fr_due_at == utc(2026, 3, 30, 8, 0)  # Monday 10:00 CEST
    assert state_of(autumn).fr_due_at == utc(2026, 10, 26, 9, 0)  # Monday 10:00 CET


def test_overnight_hours(account, make_level, make_sla_rule, make_calendar, make_ticket, run, clock):
    nights = make_calendar(account, weekly={day: [["22:00", "06:00"]] for day in
                                            ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})  # fmt: skip
    make_sla_rule(account, make_level(account, calendar=nights, targets={"first_response": {"normal": 60}}))
    clock.set(utc(2026, 3, 3, 5, 30))  # Tuesday 05:30, half an hour before the night shift ends
    ticket = _new(run, make_ticket, account)

    assert state_of(ticket).fr_due_at == utc(2026, 3, 3, 22, 30)


def test_the_clock_pauses_while_answered_and_resumes_with_the_time_left(
    account, owner, make_level, make_sla_rule, make_ticket, run, clock
):
    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60},
                                                        "next_response": {"normal": 30},
                                                        "resolution": {"normal": 480}}))  # fmt: skip
    ticket = _new(run, make_ticket, account)  # 08:00
    clock.set(utc(2026, 3, 2, 9, 0))
    run(send_reply, ticket=ticket, author=owner, text="On it.")  # answered after 60 minutes: paused
    ticket.refresh_from_db()
    state = state_of(ticket)
    assert ticket.status == Status.ANSWERED
    assert (state.fr_state, state.fr_done_at, state.fr_breached_at) == ("done", utc(2026, 3, 2, 9, 0), None)
    assert (state.res_state, state.res_due_at, state.res_consumed.total_seconds()) == ("paused", None, 3600)
    assert ticket.sla_due_at is None

    clock.set(utc(2026, 3, 2, 12, 0))  # three hours on the customer's side do not count
    run(receive_message, ticket=ticket, contact=ticket.contact, kind="web", text="Still broken.")
    ticket.refresh_from_db()
    state = state_of(ticket)
    assert (state.res_state, state.res_due_at) == ("running", utc(2026, 3, 2, 19, 0))  # 7 hours left
    assert (state.nr_state, state.nr_due_at) == ("running", utc(2026, 3, 2, 12, 30))
    assert ticket.sla_due_at == utc(2026, 3, 2, 12, 30)

    clock.set(utc(2026, 3, 2, 12, 10))
    run(change_status, ticket=ticket, status=Status.POSTPONED)
    clock.set(utc(2026, 3, 2, 15, 0))
    run(change_status, ticket=ticket, status=Status.OPEN)  # resumes: 20 of 30 next-response minutes left
    ticket.refresh_from_db()
    state = state_of(ticket)
    assert state.nr_due_at == utc(2026, 3, 2, 15, 20)
    assert state.res_due_at == utc(2026, 3, 2, 21, 50)
    assert ticket.sla_due_at == utc(2026, 3, 2, 15, 20)

    clock.set(utc(2026, 3, 2, 15, 5))
    run(change_status, ticket=ticket, status=Status.RESOLVED)
    ticket.refresh_from_db()
    state = state_of(ticket)
    assert (state.res_state, state.res_done_at, state.res_breached_at) == ("done", utc(2026, 3, 2, 15, 5), None)
    assert ticket.sla_due_at is None


def test_a_priority_change_recomputes_the_due_times(account, make_level, make_sla_rule, make_ticket, run, clock):
    make_sla_rule(account, make_level(account, targets={"first_response": {"normal": 60, "urgent": 15}}))
    ticket = _new(run, make_ticket, account)
    clock.advance(minutes=5)
    run(change_priority, ticket=ticket, priority=Priority.URGENT)

    assert state_of(ticket).fr_due_at == utc(2026, 3, 2, 8, 15)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == utc(2026, 3, 2, 8, 15)
    run(change_priority, ticket=ticket, priority=Priority.LOW)  # no target for low: the default deadline
    from helpline.tosolve.deadlines import default_due_for

    ticket.refresh_from_db()
    assert state_of(ticket).fr_state == ""
    assert ticket.sla_due_at == default_due_for(ticket)


def test_rules_choose_the_level_first_match_wins(account, make_level, make_sla_rule, make_ticket, run, clock):
    gold = make_level(account, name="Gold")
    platinum = make_level(account, name="Platinum", targets={"first_response": {"normal": 15}})
    vip = {"match": "all", "groups": [{"match": "all", "conditions": [
        {"field": "ticket.subject", "op": "contains", "value": "vip"}]}]}  # fmt: skip
    make_sla_rule(account, platinum, conditions=vip, name="VIP")
    make_sla_rule(account, gold, name="Everyone else")

    vip_ticket = _new(run, make_ticket, account, subject="VIP: printer")
    other = _new(run, make_ticket, account, subject="Printer", email="o@example.com")

    assert state_of(vip_ticket).level == platinum
    assert state_of(vip_ticket).fr_due_at == utc(2026, 3, 2, 8, 15)
    assert state_of(other).level == gold


def test_an_event_rule_sets_the_level_and_pins_it(account, make_level, make_ticket, run, clock):
    from helpline.automation.actions import create_rule
    from helpline.core.actors import Actor

    level = make_level(account)
    create_rule(account=account, name="SLA", trigger="ticket_created", conditions={},
                actions=[{"type": "set_sla_level", "sla_level": level.public_id}],
                actor=Actor(user=account.owner))  # fmt: skip
    ticket = _new(run, make_ticket, account)
    state = state_of(ticket)

    assert (state.level, state.pinned, state.fr_due_at) == (level, True, utc(2026, 3, 2, 9, 0))
    assert ticket.sla_due_at == utc(2026, 3, 2, 9, 0)
    from helpline.security.models import AuditEntry

    assert AuditEntry.objects.filter(action="sla.level_set", subject_id=ticket.public_id).count() == 1


def test_the_set_sla_level_action_refuses_another_accounts_level(account, other_account, make_level):
    from helpline.automation.schema import RuleInvalid, validate_actions

    foreign = make_level(other_account)
    try:
        validate_actions(account, [{"type": "set_sla_level", "sla_level": foreign.public_id}])
    except RuleInvalid as exc:
        assert exc.field == "actions.0.sla_level"
    else:
        raise AssertionError("another account's level was accepted")
    assert validate_actions(account, [{"type": "set_sla_level", "sla_level": "none"}]) == [
        {"type": "set_sla_level", "sla_level": "none"}
    ]


def test_changed_hours_and_targets_move_open_tickets_due_times(
    account, make_level, make_sla_rule, make_calendar, make_ticket, run, clock
):
    from helpline.calendars.actions.calendars import add_holiday
    from helpline.core.actors import Actor
    from helpline.sla.actions import update_level

    calendar = make_calendar(account)  # Mon–Fri 09:00–17:00 UTC
    level = make_level(account, calendar=calendar, targets={"first_response": {"normal": 60}})
    make_sla_rule(account, level)
    clock.set(utc(2026, 3, 6, 16, 30))  # Friday 16:30: due Monday 09:30
    ticket = _new(run, make_ticket, account)
    assert state_of(ticket).fr_due_at == utc(2026, 3, 9, 9, 30)

    run(add_holiday, calendar=calendar, day=date(2026, 3, 9))  # Monday becomes a holiday
    assert state_of(ticket).fr_due_at == utc(2026, 3, 10, 9, 30)

    clock.set(utc(2026, 3, 7, 10, 0))  # Saturday: calendar hours from now on; 30 minutes were used on Friday
    run(update_level, level=level, name="Gold", calendar=None, targets={"first_response": {"normal": 120}},
        actor=Actor(user=account.owner))  # fmt: skip
    ticket.refresh_from_db()
    assert state_of(ticket).fr_due_at == utc(2026, 3, 7, 11, 30)
    assert ticket.sla_due_at == utc(2026, 3, 7, 11, 30)


def test_deleting_a_level_falls_back_to_the_default_deadline(account, make_level, make_ticket, run, clock):
    from helpline.core.actors import Actor
    from helpline.sla.actions import delete_level, set_ticket_level
    from helpline.tosolve.deadlines import default_due_for

    level = make_level(account)
    ticket = _new(run, make_ticket, account)
    run(set_ticket_level, ticket=ticket, level=level, actor=Actor(user=account.owner))
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == utc(2026, 3, 2, 9, 0)

    run(delete_level, level=level, actor=Actor(user=account.owner))
    ticket.refresh_from_db()
    state = state_of(ticket)
    assert (state.level, state.fr_state, state.res_state) == (None, "", "")
    assert ticket.sla_due_at == default_due_for(ticket) != utc(2026, 3, 2, 9, 0)
