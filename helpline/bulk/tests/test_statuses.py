"""Bulk status changes are written a chunk at a time: each ticket still ends as change_status leaves it, with its
own audit row and event; rules and webhooks still act on every ticket; the subscribers' "anything to do?" lookups
run once per chunk; the sidebar's cached counts follow the job. Real commits (the job runs as its task)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.automation import compiler
from helpline.automation.actions import create_rule
from helpline.automation.models import RuleExecution
from helpline.bulk import actions
from helpline.bulk.actions import jobs
from helpline.conversations import actions as conversations
from helpline.conversations.models import Ticket, TicketTag
from helpline.conversations.selectors import TicketFilter, count_tickets_by_status, count_tickets_matching
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry
from helpline.testing.recording_server import recording_server
from helpline.webhooks.actions import create_webhook, set_allowed_ranges
from helpline.webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


@pytest.fixture
def recorder():
    with recording_server() as server:
        yield server


TIMES = ("last_activity_at", "status_changed_at", "updated_at", "resolved_at")


def _row(ticket) -> dict:
    ticket = Ticket.objects.get(pk=ticket.pk)
    return {f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields}


def _audit(ticket) -> list:
    rows = AuditEntry.objects.filter(subject_type="ticket", subject_id=ticket.public_id, action="ticket.status_changed")
    return list(rows.values_list("account_id", "actor_user_id", "actor_api_key_id", "data"))


def _resolve(account, tickets, agent) -> object:
    return actions.start_bulk_job(
        account=account, action="resolve", ticket_ids=[t.public_id for t in tickets], actor=Actor(user=agent)
    )


def test_a_bulk_resolve_leaves_each_ticket_as_change_status_does(account, make_ticket, agent):
    by_hand, by_bulk = (make_ticket(account, subject=f"Same {n}", tags=["vip"]) for n in range(2))
    before = {t.pk: _row(t) for t in (by_hand, by_bulk)}

    conversations.change_status(ticket=by_hand, status="resolved", actor=Actor(user=agent))
    job = _resolve(account, [by_bulk], agent)

    job.refresh_from_db()
    assert (job.state, job.done, job.failed) == ("finished", 1, 0)
    changed = {}
    for ticket in (by_hand, by_bulk):
        after = _row(ticket)
        changed[ticket.pk] = {k for k in after if after[k] != before[ticket.pk][k]}
        assert after["status"] == "resolved"
        assert after["last_activity_at"] == after["status_changed_at"] == after["resolved_at"]
        assert 0 <= (after["updated_at"] - after["resolved_at"]).total_seconds() < 1  # auto_now, a moment later
        assert TicketTag.objects.get(ticket=ticket).last_activity_at == after["last_activity_at"]
        assert _audit(ticket) == [(account.pk, agent.pk, None, {"from": "new", "to": "resolved"})]
    assert changed[by_hand.pk] == changed[by_bulk.pk] == {"status", *TIMES}


def test_tickets_already_in_the_status_are_counted_done_and_left_alone(account, make_ticket, agent):
    done, fresh = make_ticket(account), make_ticket(account)
    conversations.change_status(ticket=done, status="resolved", actor=Actor(user=agent))
    before = _row(done)

    job = _resolve(account, [done, fresh], agent)

    job.refresh_from_db()
    assert (job.done, job.failed) == (2, 0)
    assert _row(done) == before
    assert len(_audit(done)) == 1  # the hand-made change only
    assert _row(fresh)["status"] == "resolved"


def test_a_status_changed_rule_still_runs_for_every_ticket(account, make_ticket, agent, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)  # three chunks
    rule = create_rule(
        account=account,
        name="Tag resolved",
        trigger="status_changed",
        conditions={},
        actions=[{"type": "add_tags", "tags": ["closed-in-bulk"]}],
        actor=Actor(user=account.owner),
    )
    tickets = [make_ticket(account, subject=f"T{n}") for n in range(5)]

    _resolve(account, tickets, agent)

    executions = RuleExecution.objects.filter(rule=rule, outcome="applied")
    assert sorted(executions.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    for ticket in tickets:
        assert list(ticket.tags.values_list("name", flat=True)) == ["closed-in-bulk"]


def test_one_webhook_subscribed_gets_one_delivery_per_ticket(account, make_ticket, agent, recorder, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)
    set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
    hook, _secret = create_webhook(
        account=account, name="CRM", url=recorder.url + "/in", event_types=["ticket.status_changed"]
    )
    tickets = [make_ticket(account, subject=f"T{n}") for n in range(5)]

    _resolve(account, tickets, agent)

    deliveries = WebhookDelivery.objects.filter(webhook=hook)
    assert deliveries.count() == 5
    assert sorted(d.payload["data"]["ticket"]["id"] for d in deliveries) == sorted(t.public_id for t in tickets)
    assert {d.event_type for d in deliveries} == {"ticket.status_changed"}
    bodies = [r.json() for r in recorder.requests]
    assert sorted(b["data"]["ticket"]["id"] for b in bodies) == sorted(t.public_id for t in tickets)


def test_without_rules_or_webhooks_the_lookups_run_once_per_chunk(account, make_ticket, agent, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 3)
    create_rule(  # a rule for another trigger: the book exists, but nothing for status_changed
        account=account,
        name="On new",
        trigger="ticket_created",
        conditions={},
        actions=[{"type": "add_tags", "tags": ["new"]}],
        actor=Actor(user=account.owner),
    )
    tickets = [make_ticket(account, subject=f"T{n}") for n in range(6)]
    rule_lookups = []
    rules_for = compiler.rules_for
    monkeypatch.setattr(compiler, "rules_for", lambda *args: rule_lookups.append(args) or rules_for(*args))

    with CaptureQueriesContext(connection) as ctx:
        _resolve(account, tickets, agent)

    survey_switch_reads = [q for q in ctx.captured_queries if "_emailtemplate" in q["sql"] and "'survey'" in q["sql"]]
    assert rule_lookups == [(account.pk, "status_changed")] * 2  # two chunks of three tickets
    assert RuleExecution.objects.filter(event="ticket.status_changed").count() == 0
    assert RuleExecution.objects.filter(event="ticket.created").count() == 6  # the other trigger's rule did run
    assert Ticket.objects.filter(pk__in=[t.pk for t in tickets], status="resolved").count() == 6
    assert len(_audit(tickets[0])) == 1
    assert len(survey_switch_reads) == 2


def test_the_sidebar_counts_follow_a_bulk_job_at_once(account, make_ticket, agent):
    tickets = [make_ticket(account, subject=f"T{n}") for n in range(3)]
    everything = TicketFilter()
    assert count_tickets_by_status(account, everything, ["new", "resolved"]) == {
        "new": (3, False),
        "resolved": (0, False),
    }
    assert count_tickets_matching(account, [TicketFilter(status="resolved")]) == [(0, False)]
    Ticket.objects.filter(pk=tickets[0].pk).update(status="open")  # a write that does not forget the counts
    assert count_tickets_by_status(account, everything, ["new", "resolved"])["new"] == (3, False)  # cached

    _resolve(account, tickets[1:], agent)

    assert count_tickets_by_status(account, everything, ["new", "resolved"]) == {
        "new": (0, False),
        "resolved": (2, False),
    }
    assert count_tickets_matching(account, [TicketFilter(status="resolved")]) == [(2, False)]
