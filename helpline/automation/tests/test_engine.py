"""The rule engine end to end: every trigger, order and stop, the loop guard, failures, the version cache."""

from __future__ import annotations

import pytest

from helpline.automation.actions import delete_rule, reorder_rules, set_rule_enabled, update_rule
from helpline.automation.engine import MAX_DEPTH
from helpline.automation.models import RuleExecution
from helpline.automation.tests.conftest import tags_of, where
from helpline.conversations import actions as conv
from helpline.conversations.models import Ticket
from helpline.core.actors import Actor
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department

pytestmark = pytest.mark.django_db


def _fire(trigger, ticket, agent, run):
    """Cause one event of ``trigger`` on the ticket."""
    account = ticket.account
    if trigger == "customer_message":
        run(conv.receive_message, ticket=ticket, contact=ticket.contact, kind="web", text="More smoke")
    elif trigger == "agent_message":
        run(conv.send_reply, ticket=ticket, author=agent, text="On our way")
    elif trigger == "status_changed":
        run(conv.change_status, ticket=ticket, status="resolved")
    elif trigger == "assigned":
        run(conv.assign_ticket, ticket=ticket, assignee=agent)
    elif trigger == "transferred":
        run(conv.transfer_ticket, ticket=ticket, department=create_department(account=account, name="Sales"))
    elif trigger == "tag_added":
        run(conv.tag_ticket, ticket=ticket, names=["smoke"])
    elif trigger == "tag_removed":
        run(conv.tag_ticket, ticket=ticket, names=["smoke"])
        run(conv.untag_ticket, ticket=ticket, names=["smoke"])
    elif trigger == "priority_changed":
        run(conv.change_priority, ticket=ticket, priority=4)
    elif trigger == "chat_started":
        run(publish_on_commit, ev.ChatSessionStarted(account_id=account.pk, ticket_id=ticket.pk, session_id=1))
    elif trigger == "chat_ended":
        event = ev.ChatSessionEnded(account_id=account.pk, ticket_id=ticket.pk, session_id=1, ended_by="visitor")
        run(publish_on_commit, event)
    elif trigger == "rating_received":
        from helpline.surveys.actions import record_rating

        run(record_rating, ticket=ticket, value="bad", comment="Slow")
    else:
        raise AssertionError(trigger)


TICKET_TRIGGERS = [
    ("customer_message", "message.received"),
    ("agent_message", "reply.queued"),
    ("status_changed", "ticket.status_changed"),
    ("assigned", "ticket.assigned"),
    ("transferred", "ticket.transferred"),
    ("tag_added", "ticket.tagged"),
    ("tag_removed", "ticket.untagged"),
    ("priority_changed", "ticket.priority_changed"),
    ("chat_started", "chat.session_started"),
    ("chat_ended", "chat.session_ended"),
    ("rating_received", "rating.received"),
]


@pytest.mark.parametrize(("trigger", "event_name"), TICKET_TRIGGERS)
def test_each_trigger_runs_its_rules_and_only_its_rules(trigger, event_name, ticket, agent, make_rule, run):
    rule = make_rule(ticket.account, trigger=trigger, actions=[{"type": "set_priority", "priority": "low"}])
    make_rule(ticket.account, trigger="ticket_created", actions=[{"type": "add_tags", "tags": ["never"]}])

    _fire(trigger, ticket, agent, run)

    ticket.refresh_from_db()
    assert ticket.priority == 1
    assert "never" not in tags_of(ticket)
    execution = RuleExecution.objects.get(rule=rule, outcome="applied")
    assert (execution.ticket_id, execution.event, execution.depth) == (ticket.pk, event_name, 0)
    assert execution.results == [{"type": "set_priority", "summary": "Set priority to Low", "changed": True}]


def test_a_bad_rating_can_be_told_from_a_good_one(ticket, make_rule, run):
    from helpline.surveys.actions import record_rating

    condition = where([{"field": "event.rating", "op": "eq", "value": "bad"}])
    make_rule(ticket.account, trigger="rating_received", conditions=condition,
              actions=[{"type": "add_tags", "tags": ["unhappy"]}])  # fmt: skip
    other = conv.create_ticket(account=ticket.account, contact=ticket.contact, subject="Praise", channel="email")
    run(record_rating, ticket=other, value="good")
    run(record_rating, ticket=ticket, value="bad")
    assert (tags_of(ticket), tags_of(other)) == (["unhappy"], [])


def test_ticket_created_trigger(account, make_rule, make_ticket, run):
    rule = make_rule(account, actions=[{"type": "add_tags", "tags": ["new"]}])

    ticket = run(make_ticket, account)

    assert tags_of(ticket) == ["new"]
    assert list(RuleExecution.objects.values_list("rule_id", "event", "outcome")) == [
        (rule.pk, "ticket.created", "applied")
    ]


def test_actions_are_audited_with_the_rule_as_actor(account, make_rule, make_ticket, run):
    rule = make_rule(account, name="Tag new ones", actions=[{"type": "add_tags", "tags": ["new"]}])

    ticket = run(make_ticket, account)

    entry = AuditEntry.objects.get(action="ticket.tagged", subject_id=ticket.public_id)
    assert (entry.actor_user, entry.actor_api_key) == (None, None)
    assert entry.data == {"tags": ["new"], "rule": rule.public_id, "rule_name": "Tag new ones"}


def test_rules_that_do_not_match_do_nothing_and_are_not_logged(account, make_rule, make_ticket, run):
    make_rule(account, conditions=where([{"field": "ticket.subject", "op": "contains", "value": "invoice"}]))

    ticket = run(make_ticket, account, subject="Printer on fire")

    assert tags_of(ticket) == []
    assert RuleExecution.objects.count() == 0


def test_rules_run_in_order_and_stop_ends_processing(account, make_rule, make_ticket, run):
    first = make_rule(account, name="first", actions=[{"type": "add_tags", "tags": ["a"]}])
    second = make_rule(account, name="second", actions=[{"type": "add_tags", "tags": ["b"]}, {"type": "stop"}])
    third = make_rule(account, name="third", actions=[{"type": "add_tags", "tags": ["c"]}])

    ticket = run(make_ticket, account)

    assert tags_of(ticket) == ["a", "b"]
    assert list(RuleExecution.objects.order_by("id").values_list("rule_id", flat=True)) == [first.pk, second.pk]

    reorder_rules(account=account, public_ids=[third.public_id, second.public_id, first.public_id], actor=Actor())
    other = run(make_ticket, account, email="other@example.com")
    assert tags_of(other) == ["b", "c"]


def test_set_status_then_last_rule_wins_on_the_same_field(account, make_rule, make_ticket, run):
    make_rule(account, actions=[{"type": "set_priority", "priority": "high"}])
    make_rule(account, actions=[{"type": "set_priority", "priority": "urgent"}])

    ticket = run(make_ticket, account)

    ticket.refresh_from_db()
    assert ticket.priority == 4


def test_a_rule_whose_action_retriggers_it_fires_once(ticket, make_rule, run):
    rule = make_rule(ticket.account, trigger="tag_added", actions=[{"type": "add_tags", "tags": ["again"]}])

    run(conv.tag_ticket, ticket=ticket, names=["first"])

    assert tags_of(ticket) == ["again", "first"]
    assert list(RuleExecution.objects.order_by("id").values_list("rule_id", "outcome", "depth")) == [
        (rule.pk, "applied", 0),
        (rule.pk, "loop", 1),
    ]


def test_two_rules_that_undo_each_other_stop_after_one_round(ticket, make_rule, run):
    ping = make_rule(
        ticket.account,
        name="ping",
        trigger="status_changed",
        conditions=where([{"field": "event.to_status", "op": "eq", "value": "resolved"}]),
        actions=[{"type": "set_status", "status": "open"}],
    )
    pong = make_rule(
        ticket.account,
        name="pong",
        trigger="status_changed",
        conditions=where([{"field": "event.to_status", "op": "eq", "value": "open"}]),
        actions=[{"type": "set_status", "status": "resolved"}],
    )

    run(conv.change_status, ticket=ticket, status="resolved")

    ticket.refresh_from_db()
    assert ticket.status == "resolved"  # ping reopened it, pong resolved it, ping was not run again
    assert list(RuleExecution.objects.order_by("id").values_list("rule_id", "outcome", "depth")) == [
        (ping.pk, "applied", 0),
        (pong.pk, "applied", 1),
        (ping.pk, "loop", 2),
    ]


def test_a_chain_of_rules_stops_at_the_maximum_depth(ticket, make_rule, run):
    rules = [
        make_rule(
            ticket.account,
            name=f"step {n}",
            trigger="tag_added",
            conditions=where([{"field": "event.tags", "op": "has", "value": f"t{n}"}]),
            actions=[{"type": "add_tags", "tags": [f"t{n + 1}"]}],
        )
        for n in range(MAX_DEPTH + 2)
    ]

    run(conv.tag_ticket, ticket=ticket, names=["t0"])

    assert tags_of(ticket) == [f"t{n}" for n in range(MAX_DEPTH + 1)]
    log = list(RuleExecution.objects.order_by("id").values_list("rule_id", "outcome"))
    assert log == [(rules[n].pk, "applied") for n in range(MAX_DEPTH)] + [(rules[MAX_DEPTH].pk, "too_deep")]


def test_a_failing_rule_is_undone_logged_and_the_next_rule_still_runs(account, agent, make_rule, make_ticket, run):
    from helpline.tenancy.actions import deactivate_member
    from helpline.tenancy.models import Membership

    broken = make_rule(
        account,
        name="broken",
        actions=[{"type": "add_tags", "tags": ["half"]}, {"type": "assign", "agent": agent.public_id}],
    )
    fine = make_rule(account, name="fine", actions=[{"type": "set_priority", "priority": "high"}])
    deactivate_member(membership=Membership.objects.get(account=account, user=agent))

    ticket = run(make_ticket, account)

    ticket.refresh_from_db()
    assert (tags_of(ticket), ticket.assignee_id, ticket.priority) == ([], None, 3)
    failed = RuleExecution.objects.get(rule=broken)
    assert failed.outcome == "failed"
    assert failed.error == "The agent of this action no longer works in this account."
    assert failed.results == [{"type": "add_tags", "summary": "Add tags: half", "changed": True}]
    assert RuleExecution.objects.get(rule=fine).outcome == "applied"
    assert not AuditEntry.objects.filter(action="ticket.tagged").exists()


def test_disabled_changed_and_deleted_rules_take_effect_at_once(account, make_rule, make_ticket, run):
    rule = make_rule(account, actions=[{"type": "add_tags", "tags": ["one"]}])
    assert tags_of(run(make_ticket, account, email="a@example.com")) == ["one"]

    update_rule(rule=rule, name="Rule", trigger="ticket_created", conditions={},
                actions=[{"type": "add_tags", "tags": ["two"]}], actor=Actor())  # fmt: skip
    assert tags_of(run(make_ticket, account, email="b@example.com")) == ["two"]

    set_rule_enabled(rule=rule, enabled=False, actor=Actor())
    assert tags_of(run(make_ticket, account, email="c@example.com")) == []

    set_rule_enabled(rule=rule, enabled=True, actor=Actor())
    delete_rule(rule=rule, actor=Actor())
    assert tags_of(run(make_ticket, account, email="d@example.com")) == []
    assert RuleExecution.objects.filter(rule=None).count() == 2  # the log outlives the rule


def test_rules_of_another_account_never_run(account, other_account, make_rule, make_ticket, run):
    make_rule(other_account, actions=[{"type": "add_tags", "tags": ["foreign"]}])

    ticket = run(make_ticket, account)

    assert tags_of(ticket) == []
    assert RuleExecution.objects.count() == 0


def test_each_event_costs_a_fixed_number_of_queries_however_many_rules(
    ticket, make_rule, run, django_assert_max_num_queries
):
    for n in range(30):
        make_rule(
            ticket.account,
            trigger="priority_changed",
            conditions=where([{"field": "ticket.subject", "op": "contains", "value": f"nothing {n}"},
                              {"field": "contact.email", "op": "ends_with", "value": ".test"}]),
        )  # fmt: skip
    run(conv.change_priority, ticket=ticket, priority=3)  # compiles the rule book once

    from helpline.automation.engine import run_event_rules

    event = ev.TicketPriorityChanged(account_id=ticket.account_id, ticket_id=ticket.pk, from_priority=3, to_priority=4)
    with django_assert_max_num_queries(2):  # the rule-book version, the ticket (with contact, department …)
        run_event_rules(event)
    assert Ticket.objects.get(pk=ticket.pk).priority == 3
