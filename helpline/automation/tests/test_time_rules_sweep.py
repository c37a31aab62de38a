"""Time rules swept with a controlled clock: each clock, calendar and business hours, once per state, again after
the clock moves, disabled rules, conditions, stop, the log, and candidates read through the clock index only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.automation.actions import create_time_rule, set_time_rule_enabled, update_time_rule
from helpline.automation.models import RuleExecution, TimeRule, TimeRuleFiring
from helpline.automation.tests.conftest import tags_of, where
from helpline.automation.timerules.sweep import sweep
from helpline.conversations.models import Ticket
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday
CLOCKS = {
    "created": "created_at",
    "customer_message": "last_customer_message_at",
    "agent_message": "last_agent_message_at",
    "status_changed": "status_changed_at",
}


def _rule(account, *, clock="created", after=60, hours="calendar", calendar=None, conditions=None, actions=None,
          name="After an hour", enabled=True):  # fmt: skip
    return create_time_rule(
        account=account, name=name, clock=clock, after_minutes=after, hours=hours,
        calendar=calendar.public_id if calendar else None, conditions=conditions or {},
        actions=actions or [{"type": "add_tags", "tags": ["late"]}], enabled=enabled, actor=Actor(),
    )  # fmt: skip


def _set_clock(ticket, column: str, value) -> None:
    """All four clocks far in the future but this one (the sweep looks at one column per rule)."""
    later = T0 + timedelta(days=3650)
    values = {c: later for c in CLOCKS.values()}
    values[column] = value
    Ticket.objects.filter(pk=ticket.pk).update(**values)


@pytest.fixture
def at(monkeypatch):
    """Set the wall clock: at(datetime)."""
    current = {"now": T0}
    monkeypatch.setattr("helpline.core.clock.now", lambda: current["now"])

    def set_now(moment):
        current["now"] = moment
        return moment

    return set_now


@pytest.mark.parametrize("clock", list(CLOCKS))
def test_each_clock_fires_once_its_time_has_passed_in_calendar_hours(clock, account, make_ticket, at):
    ticket = make_ticket(account)
    other = make_ticket(account, email="other@example.com")
    _set_clock(ticket, CLOCKS[clock], T0)
    _set_clock(other, CLOCKS[clock], T0 + timedelta(minutes=30))
    rule = _rule(account, clock=clock, after=60)

    at(T0 + timedelta(minutes=59))
    assert sweep().fired == 0
    assert tags_of(ticket) == []

    at(T0 + timedelta(minutes=60))
    assert sweep().fired == 1
    assert (tags_of(ticket), tags_of(other)) == (["late"], [])
    assert list(TimeRuleFiring.objects.values_list("rule_id", "ticket_id", "state")) == [(rule.pk, ticket.pk, T0)]
    execution = RuleExecution.objects.get()
    assert (execution.time_rule_id, execution.rule_id, execution.ticket_id, execution.event, execution.outcome) == (
        rule.pk, None, ticket.pk, f"time_rule.{clock}", "applied",
    )  # fmt: skip
    assert execution.results == [{"type": "add_tags", "summary": "Add tags: late", "changed": True}]


def test_fires_once_per_state_and_again_when_the_clock_moves(account, make_ticket, at):
    ticket = make_ticket(account)
    _set_clock(ticket, "status_changed_at", T0)
    _rule(account, clock="status_changed", after=60, actions=[{"type": "add_note", "text": "Still waiting"}])

    at(T0 + timedelta(hours=2))
    assert sweep().fired == 1
    at(T0 + timedelta(hours=3))
    assert sweep().fired == 0
    assert sweep().fired == 0
    assert ticket.messages.filter(kind="note").count() == 1

    moved = T0 + timedelta(hours=4)
    _set_clock(ticket, "status_changed_at", moved)
    at(moved + timedelta(minutes=59))
    assert sweep().fired == 0
    at(moved + timedelta(minutes=61))
    assert sweep().fired == 1
    assert ticket.messages.filter(kind="note").count() == 2
    assert sorted(TimeRuleFiring.objects.values_list("state", flat=True)) == [T0, moved]


def test_a_changed_rule_judges_every_ticket_again_but_never_fires_twice_for_a_state(account, make_ticket, at):
    first, second = make_ticket(account), make_ticket(account, email="b@example.com")
    _set_clock(first, "created_at", T0)
    _set_clock(second, "created_at", T0 + timedelta(minutes=1))
    Ticket.objects.filter(pk=second.pk).update(priority=3)
    rule = _rule(account, conditions=where([{"field": "ticket.priority", "op": "eq", "value": "normal"}]))
    at(T0 + timedelta(hours=2))
    assert sweep().fired == 1
    assert (tags_of(first), tags_of(second)) == (["late"], [])

    update_time_rule(rule=rule, name=rule.name, clock="created", after_minutes=60, hours="calendar", calendar=None,
                     conditions={}, actions=rule.actions, actor=Actor())  # fmt: skip
    assert sweep().fired == 1  # the second ticket now; the first fired for its state already
    assert (tags_of(first), tags_of(second)) == (["late"], ["late"])
    assert TimeRuleFiring.objects.count() == 2


def test_a_disabled_rule_never_fires(account, make_ticket, at):
    ticket = make_ticket(account)
    _set_clock(ticket, "created_at", T0)
    rule = _rule(account, enabled=False)
    at(T0 + timedelta(days=2))
    assert sweep().rules == 0
    set_time_rule_enabled(rule=_rule(account, name="Other", enabled=True), enabled=False, actor=Actor())
    assert sweep().fired == 0
    assert tags_of(ticket) == []
    assert (TimeRuleFiring.objects.count(), RuleExecution.objects.count()) == (0, 0)
    set_time_rule_enabled(rule=rule, enabled=True, actor=Actor())
    assert sweep().fired == 1


def test_conditions_combine_with_the_clock(account, make_ticket, at):
    from helpline.conversations import actions as conv

    vip_open, vip_resolved, plain = (make_ticket(account, email=f"{n}@example.com") for n in ("a", "b", "c"))
    for ticket in (vip_open, vip_resolved, plain):
        _set_clock(ticket, "last_customer_message_at", T0)
    conv.tag_ticket(ticket=vip_open, names=["VIP"], actor=Actor())
    conv.tag_ticket(ticket=vip_resolved, names=["vip"], actor=Actor())
    Ticket.objects.filter(pk=vip_resolved.pk).update(status="resolved")
    conditions = {"match": "all", "groups": [
        {"match": "all", "conditions": [{"field": "ticket.tags", "op": "has", "value": "vip"}]},
        {"match": "any", "conditions": [{"field": "ticket.status", "op": "eq", "value": "new"},
                                        {"field": "ticket.status", "op": "eq", "value": "open"}]},
    ]}  # fmt: skip
    _rule(account, clock="customer_message", after=30, conditions=conditions,
          actions=[{"type": "set_priority", "priority": "urgent"}])  # fmt: skip

    at(T0 + timedelta(minutes=31))
    outcome = sweep()

    assert (outcome.judged, outcome.fired) == (3, 1)
    priorities = dict(Ticket.objects.values_list("pk", "priority"))
    assert (priorities[vip_open.pk], priorities[vip_resolved.pk], priorities[plain.pk]) == (4, 2, 2)
    entry = AuditEntry.objects.get(action="ticket.priority_changed", subject_id=vip_open.public_id)
    assert entry.data["rule_name"] == "After an hour"


def test_stop_keeps_later_rules_off_the_ticket_in_that_sweep(account, make_ticket, at):
    ticket = make_ticket(account)
    _set_clock(ticket, "created_at", T0)
    _rule(account, name="first", actions=[{"type": "add_tags", "tags": ["a"]}, {"type": "stop"}])
    _rule(account, name="second", actions=[{"type": "add_tags", "tags": ["b"]}])
    at(T0 + timedelta(hours=2))
    sweep()
    assert tags_of(ticket) == ["a"]


def test_rules_of_one_account_never_touch_another(account, other_account, make_ticket, at):
    mine, theirs = make_ticket(account), make_ticket(other_account)
    for ticket in (mine, theirs):
        _set_clock(ticket, "created_at", T0)
    _rule(account)
    at(T0 + timedelta(hours=2))
    assert sweep().fired == 1
    assert (tags_of(mine), tags_of(theirs)) == (["late"], [])


def test_an_action_that_fails_is_logged_and_not_retried_for_that_state(account, make_ticket, make_agent, at):
    from helpline.tenancy.actions import deactivate_member
    from helpline.tenancy.models import Membership

    agent = make_agent(account, "gone@acme.test")
    ticket = make_ticket(account)
    _set_clock(ticket, "created_at", T0)
    _rule(account, actions=[{"type": "add_tags", "tags": ["x"]}, {"type": "assign", "agent": agent.public_id}])
    deactivate_member(membership=Membership.objects.get(account=account, user=agent))
    at(T0 + timedelta(hours=2))
    assert sweep().fired == 1
    assert sweep().fired == 0
    execution = RuleExecution.objects.get()
    assert (execution.outcome, execution.error) == (
        "failed",
        "The agent of this action no longer works in this account.",
    )
    assert tags_of(ticket) == []  # the rule's changes were undone


def _queries_of_a_sweep(account, make_ticket, n_waiting: int, at) -> int:
    """One ticket past the threshold, ``n_waiting`` not yet, and ``n_waiting`` judged by an earlier sweep."""
    TimeRule.objects.all().delete()
    Ticket.objects.all().delete()
    for i in range(n_waiting):
        _set_clock(make_ticket(account, email=f"old{i}@example.com"), "created_at", T0 - timedelta(hours=10, minutes=i))
    _rule(account, conditions=where([{"field": "ticket.status", "op": "eq", "value": "resolved"}]))
    at(T0)
    sweep()  # judges the old ones (none is resolved): the rule's position moves past them
    for i in range(n_waiting):
        _set_clock(make_ticket(account, email=f"new{i}@example.com"), "created_at", T0 - timedelta(minutes=i))
    due = make_ticket(account, email="due@example.com")
    _set_clock(due, "created_at", T0 - timedelta(minutes=59))
    Ticket.objects.filter(pk=due.pk).update(status="resolved")
    at(T0 + timedelta(minutes=1))
    with CaptureQueriesContext(connection) as queries:
        outcome = sweep()
    assert (outcome.judged, outcome.fired) == (1, 1)
    return len(queries)


def test_a_sweep_reads_only_candidates_through_the_clock_index(account, make_ticket, at):
    _queries_of_a_sweep(account, make_ticket, 1, at)  # warm the caches the actions read (tags, policies)
    few = _queries_of_a_sweep(account, make_ticket, 2, at)
    many = _queries_of_a_sweep(account, make_ticket, 12, at)
    assert few == many


def test_the_candidate_query_uses_the_clock_index(account):
    from helpline.automation.timerules.sweep import candidates

    rule = _rule(account)
    sql_params = []

    def explain(execute, sql, params, many, context):
        sql_params.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        candidates(rule, T0, (T0 - timedelta(hours=1), 5), 10)
    sql, params = sql_params[0]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            # A tiny test table: ask what the planner can use. Without a full sort, only an index that yields
            # the clock's order (then an incremental sort on id) avoids the penalty; any index leading with the
            # account would otherwise do as well and the choice among them is a coin toss.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_seqscan")
    assert "ticket_created" in plan, plan


def test_the_scheduler_runs_the_sweep_every_minute(account, make_ticket, at):
    from helpline.automation.tasks import sweep_time_rules

    ticket = make_ticket(account)
    _set_clock(ticket, "created_at", T0)
    _rule(account)
    at(T0 + timedelta(hours=2))
    every_minute = [sweep_time_rules.s().validate_datetime(T0 + timedelta(minutes=m)) for m in range(3)]
    assert every_minute == [True, True, True]
    assert sweep_time_rules.call_local() == {"rules": 1, "judged": 1, "fired": 1, "skipped": 0}
    assert sweep_time_rules.call_local() == {"rules": 1, "judged": 0, "fired": 0, "skipped": 0}
