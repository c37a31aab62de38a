"""Automatic assignment: round robin and least loaded among available agents of the department, skipping those
offline, away, over the cap or outside business hours; waiting tickets picked up when an agent comes online."""

from __future__ import annotations

import datetime as dt

import pytest

from helpline.assignment import actions, tasks
from helpline.assignment.actions import assign_automatically, set_assignment
from helpline.assignment.tests.conftest import connect
from helpline.conversations.models import Ticket
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry


def _names(tickets):
    return [Ticket.objects.get(pk=t.pk).assignee.display_name if Ticket.objects.get(pk=t.pk).assignee else None
            for t in tickets]  # fmt: skip


def test_round_robin_takes_turns_in_a_fixed_order(account, team, open_ticket):
    support, agents = team
    for agent in agents:
        connect(account, agent)
    set_assignment(account=account, department=support, mode="round_robin")
    tickets = [open_ticket(support) for _ in range(4)]
    assert _names(tickets) == ["Ann", "Bob", "Cid", "Ann"]
    entry = AuditEntry.objects.filter(account=account, action="ticket.assigned").order_by("id").first()
    assert entry.actor_user is None and entry.data == {"from": None, "to": agents[0].pk}


def test_least_loaded_takes_the_agent_with_fewest_open_tickets(account, team, open_ticket, make_ticket):
    from helpline.conversations.actions import assign_ticket, change_status

    support, (ann, bob, cid) = team
    for agent in (ann, bob, cid):
        connect(account, agent)
    for agent, n in ((ann, 2), (bob, 1)):
        for _ in range(n):
            assign_ticket(ticket=make_ticket(account, department=support), assignee=agent)
    for _ in range(3):  # resolved tickets are no load
        done = make_ticket(account, department=support)
        assign_ticket(ticket=done, assignee=cid)
        change_status(ticket=done, status="resolved")
    assign_ticket(ticket=make_ticket(account, department=support), assignee=cid)
    # loads: ann 2, bob 1, cid 1 → bob (tie with cid, bob joined first)
    set_assignment(account=account, department=support, mode="least_loaded")
    assert _names([open_ticket(support)]) == ["Bob"]
    assert _names([open_ticket(support)]) == ["Cid"]  # now bob 2, cid 1


def test_offline_away_over_capacity_and_non_members_are_skipped(account, team, open_ticket, make_agent, make_ticket):
    from helpline.conversations.actions import assign_ticket
    from helpline.routing.actions import set_presence

    support, (ann, bob, cid) = team
    outsider = make_agent(account, "out@acme.test", "Out")  # online, but not in the department
    connect(account, outsider)
    connect(account, ann)  # online but over the cap
    connect(account, bob)
    set_presence(account=account, user=bob, state="away")  # connected but away
    # cid: not connected (offline)
    set_assignment(account=account, department=support, mode="round_robin", max_open=1)
    assign_ticket(ticket=make_ticket(account, department=support), assignee=ann)
    ticket = open_ticket(support)
    assert ticket.assignee_id is None
    connect(account, cid)
    assert tasks.sweep() == 1
    assert _names([ticket]) == ["Cid"]


def test_nobody_outside_business_hours_then_assigned_when_hours_begin(account, team, open_ticket, monkeypatch):
    from helpline.core import clock
    from helpline.tenancy.actions import set_department_hours

    support, agents = team
    connect(account, agents[0])
    set_department_hours(department=support, own_hours=True, timezone="UTC", weekly={"mon": [["09:00", "17:00"]]})
    set_assignment(account=account, department=support, mode="least_loaded")
    monday = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: monday)
    ticket = open_ticket(support)
    assert ticket.assignee_id is None
    assert tasks.sweep() == 0
    monkeypatch.setattr(clock, "now", lambda: monday.replace(hour=9, minute=30))
    assert tasks.sweep() == 1
    assert _names([ticket]) == ["Ann"]


def test_nobody_online_stays_unassigned_then_an_agent_coming_online_gets_it(
    account, team, open_ticket, django_capture_on_commit_callbacks
):
    from helpline.routing.actions import set_presence

    support, (ann, _bob, _cid) = team
    set_assignment(account=account, department=support, mode="round_robin")
    first, second = open_ticket(support), open_ticket(support)
    assert (first.assignee_id, second.assignee_id) == (None, None)
    connect(account, ann)
    with django_capture_on_commit_callbacks(execute=True):
        set_presence(account=account, user=ann, state="online")  # the presence change hands out waiting tickets
    assert _names([first, second]) == ["Ann", "Ann"]


def test_off_by_default_and_inherit_follows_the_account_default(account, team, open_ticket):
    support, agents = team
    connect(account, agents[1])
    assert open_ticket(support).assignee_id is None  # nothing configured
    set_assignment(account=account, mode="least_loaded")  # the account's default
    assert _names([open_ticket(support)]) == ["Bob"]  # Support inherits it
    set_assignment(account=account, department=support, mode="off")
    assert open_ticket(support).assignee_id is None
    assert tasks.sweep() == 0  # an "off" department is not swept either


def test_a_ticket_without_department_goes_to_any_available_agent_with_the_default(account, team, open_ticket):
    _support, agents = team
    connect(account, agents[2])
    set_assignment(account=account, mode="round_robin")
    assert _names([open_ticket()]) == ["Cid"]


def test_a_ticket_transferred_in_without_assignee_is_assigned(account, make_account, team, make_agent, open_ticket,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    from helpline.conversations.actions import transfer_ticket
    from helpline.tenancy.actions import create_department, set_department_members

    support, _agents = team
    sales = create_department(account=account, name="Sales")
    seller = make_agent(account, "sel@acme.test", "Sel")
    set_department_members(department=sales, users=[seller])
    connect(account, seller)
    set_assignment(account=account, department=sales, mode="round_robin")
    ticket = open_ticket(support)
    assert ticket.assignee_id is None
    with django_capture_on_commit_callbacks(execute=True):
        transfer_ticket(ticket=ticket, department=sales)
    assert _names([ticket]) == ["Sel"]


def test_a_rule_assignment_wins_and_an_assigned_ticket_is_left_alone(account, team, open_ticket):
    from helpline.conversations.actions import assign_ticket

    support, (ann, bob, _cid) = team
    connect(account, ann)
    set_assignment(account=account, department=support, mode="round_robin")
    ticket = open_ticket(support)
    assign_ticket(ticket=ticket, assignee=bob)
    assert actions.assign_if_configured(ticket.pk) is None
    assert assign_automatically(ticket, "round_robin", only_unassigned=True) is None
    assert _names([ticket]) == ["Bob"]


def test_assign_automatically_for_event_rules(account, team, make_ticket):
    support, (ann, bob, _cid) = team
    connect(account, ann)
    connect(account, bob)
    ticket = make_ticket(account, department=support)  # no mode set: the rule's action chooses the strategy
    assert assign_automatically(ticket, "least_loaded") == ann
    assert assign_automatically(make_ticket(account, department=support), "least_loaded") == bob
    with pytest.raises(DomainError):
        assign_automatically(ticket, "random")


def test_another_accounts_agents_and_settings_never_apply(account, other_account, team, open_ticket, make_agent):
    from helpline.tenancy.actions import create_department

    support, _agents = team
    stranger = make_agent(other_account, "stranger@globex.test", "Stranger")
    connect(other_account, stranger)
    set_assignment(account=other_account, mode="round_robin")
    assert open_ticket(support).assignee_id is None  # acme has no setting; globex's default is not acme's
    set_assignment(account=account, department=support, mode="round_robin")
    ticket = open_ticket(support)
    assert ticket.assignee_id is None  # the only online agent works for globex
    theirs = create_department(account=other_account, name="Theirs")
    with pytest.raises(DomainError):
        set_assignment(account=account, department=theirs, mode="round_robin")
    with pytest.raises(DomainError):
        assign_automatically(ticket, "round_robin", department=theirs)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_bad_settings_are_refused_and_changes_audited(account, team):
    support, _agents = team
    with pytest.raises(DomainError):
        set_assignment(account=account, mode="inherit")  # the default has nothing to inherit from
    with pytest.raises(DomainError):
        set_assignment(account=account, department=support, mode="fastest")
    with pytest.raises(DomainError):
        set_assignment(account=account, department=support, mode="round_robin", max_open=0)
    assert not AuditEntry.objects.filter(account=account, action="assignment.changed").exists()
    set_assignment(account=account, department=support, mode="round_robin", max_open=5)
    set_assignment(account=account, department=support, mode="round_robin", max_open=5)  # unchanged: no row
    entry = AuditEntry.objects.get(account=account, action="assignment.changed")
    assert entry.subject_id == support.public_id
    assert entry.data == {"mode": ["inherit", "round_robin"], "max_open": [None, 5]}
