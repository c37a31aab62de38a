"""The ticket's history panel: every audited change as a sentence, newest first, paginated, account-scoped."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.actions import (
    add_note,
    assign_ticket,
    change_priority,
    change_status,
    send_reply,
    set_custom_field,
    tag_ticket,
    transfer_ticket,
    untag_ticket,
)
from helpline.conversations.models import CustomField
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department, create_role
from helpline.tenancy.actions.members import change_role
from helpline.tenancy.models import Membership
from helpline.web.tests.conftest import HTMX, signed_in
from helpline.web.ticket_history import PAGE_SIZE, ticket_history

SENTENCE = re.compile(r'<span class="history__sentence">(.*?)</span>')


def history_url(ticket, page: int | None = None) -> str:
    url = f"/agent/tickets/{ticket.public_id}/history/"
    return f"{url}?page={page}" if page else url


def sentences(client, ticket, page: int | None = None) -> list[str]:
    response = client.get(history_url(ticket, page), **HTMX)
    assert response.status_code == 200
    return SENTENCE.findall(response.content.decode())


def make_many(ticket, n: int) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(
            account_id=ticket.account_id,
            action="ticket.tagged",
            subject_type="ticket",
            subject_id=ticket.public_id,
            data={"tags": [f"t{i}"]},
        )
        for i in range(n)
    )


def test_every_kind_of_change_reads_as_a_sentence_newest_first(agent_client, ticket, account, agent, make_agent):
    bob = make_agent(account, "bob@acme.test", "Bob Builder")
    billing = create_department(account=account, name="Billing")
    plan = CustomField.objects.create(account=account, key="plan", label="Plan", kind="text", applies_to="ticket")
    vip = CustomField.objects.create(account=account, key="vip", label="VIP", kind="checkbox", applies_to="ticket")
    alice = Actor(user=agent)
    change_status(ticket=ticket, status="open", actor=alice)
    change_priority(ticket=ticket, priority=3, actor=alice)
    assign_ticket(ticket=ticket, assignee=agent, actor=alice)
    assign_ticket(ticket=ticket, assignee=bob, actor=alice)
    assign_ticket(ticket=ticket, assignee=None, actor=alice)
    transfer_ticket(ticket=ticket, department=billing, actor=alice)
    transfer_ticket(ticket=ticket, department=None, actor=alice)
    tag_ticket(ticket=ticket, names=["vip"], actor=alice)
    tag_ticket(ticket=ticket, names=["billing", "urgent"], actor=alice)
    untag_ticket(ticket=ticket, names=["vip"], actor=alice)
    set_custom_field(ticket=ticket, field=plan, value="Gold", actor=alice)
    set_custom_field(ticket=ticket, field=vip, value=True, actor=alice)
    set_custom_field(ticket=ticket, field=plan, value="", actor=alice)
    add_note(ticket=ticket, author=agent, text="Checked the logs.")
    send_reply(ticket=ticket, author=agent, text="We are on it.")

    assert sentences(agent_client, ticket) == [
        "Alice Agent replied",
        "Alice Agent added a note",
        "Alice Agent cleared Plan",
        "Alice Agent set VIP to Yes",
        "Alice Agent set Plan to Gold",
        "Alice Agent removed the tag vip",
        "Alice Agent added the tags billing, urgent",
        "Alice Agent added the tag vip",
        "Alice Agent moved the ticket from Billing to no department",
        "Alice Agent moved the ticket from no department to Billing",
        "Alice Agent unassigned the ticket from Bob Builder",
        "Alice Agent reassigned the ticket from Alice Agent to Bob Builder",
        "Alice Agent assigned the ticket to Alice Agent",
        "Alice Agent changed the priority from Normal to High",
        "Alice Agent changed the status from New to Open",
        "Helpline received a message (Web)",
        "Helpline created the ticket",
    ]


def test_each_entry_shows_its_time(agent_client, ticket):
    entry = AuditEntry.objects.filter(subject_id=ticket.public_id, action="ticket.created").get()
    body = agent_client.get(history_url(ticket), **HTMX).content.decode()
    assert f'<time class="muted" datetime="{entry.created_at.isoformat()}">' in body


def test_removed_agents_and_departments_are_named_as_such(agent_client, ticket, account, agent):
    AuditEntry.objects.create(
        account=account,
        actor_user=agent,
        action="ticket.assigned",
        subject_type="ticket",
        subject_id=ticket.public_id,
        data={"from": None, "to": 999999},
    )
    AuditEntry.objects.create(
        account=account,
        action="ticket.transferred",
        subject_type="ticket",
        subject_id=ticket.public_id,
        data={"from": 999999, "to": None},
    )
    assert sentences(agent_client, ticket)[:2] == [
        "Helpline moved the ticket from a removed department to no department",
        "Alice Agent assigned the ticket to a removed agent",
    ]


def test_a_split_reads_on_both_sides(agent_client, ticket, account, agent):
    for data in ({"to_ticket": "ABC-123-45678"}, {"from_ticket": "XYZ-987-65432"}):
        AuditEntry.objects.create(
            account=account,
            actor_user=agent,
            action="ticket.split",
            subject_type="ticket",
            subject_id=ticket.public_id,
            data={"from_message": "m1", "messages": 2, **data},
        )
    assert sentences(agent_client, ticket)[:2] == [
        "Alice Agent split this ticket off ticket #XYZ-987-65432",
        "Alice Agent split messages off into ticket #ABC-123-45678",
    ]


def test_merges_read_as_sentences(agent_client, ticket, account, agent):
    for data in ({"into": "XYZ-987-65432"}, {"merged": ["ABC-123-45678", "DEF-456-78901"], "messages": 3}):
        AuditEntry.objects.create(
            account=account, actor_user=agent, action="ticket.merged", subject_type="ticket",
            subject_id=ticket.public_id, data=data,
        )  # fmt: skip
    assert sentences(agent_client, ticket)[:2] == [
        "Alice Agent merged #ABC-123-45678, #DEF-456-78901 into this ticket",
        "Alice Agent merged this ticket into ticket #XYZ-987-65432",
    ]


def test_an_unknown_action_still_shows_who_and_what(agent_client, ticket, account, agent):
    AuditEntry.objects.create(
        account=account, actor_user=agent, action="ticket.teleported", subject_type="ticket",
        subject_id=ticket.public_id,
    )  # fmt: skip
    assert sentences(agent_client, ticket)[0] == "Alice Agent: ticket.teleported"


def test_the_history_is_paginated_by_50(agent_client, ticket):
    make_many(ticket, 120)  # plus "created" and "received": 122 entries
    first = agent_client.get(history_url(ticket), **HTMX).content.decode()
    assert first.lstrip().startswith('<ol class="history" id="ticket-history-list"')
    assert SENTENCE.findall(first) == [f"Helpline added the tag t{i}" for i in range(119, 69, -1)]
    assert f'hx-get="{history_url(ticket)}?page=2"' in first
    second = agent_client.get(history_url(ticket, 2), **HTMX).content.decode()
    assert "<ol" not in second
    assert SENTENCE.findall(second) == [f"Helpline added the tag t{i}" for i in range(69, 19, -1)]
    assert f'hx-get="{history_url(ticket)}?page=3"' in second
    third = agent_client.get(history_url(ticket, 3), **HTMX).content.decode()
    assert SENTENCE.findall(third) == [
        *[f"Helpline added the tag t{i}" for i in range(19, -1, -1)],
        "Helpline received a message (Web)",
        "Helpline created the ticket",
    ]
    assert "?page=4" not in third
    assert len(SENTENCE.findall(first)) == PAGE_SIZE


def test_a_bad_page_number_shows_the_first_page(agent_client, ticket):
    assert sentences(agent_client, ticket, "x") == ["Helpline received a message (Web)", "Helpline created the ticket"]


def test_the_ticket_page_loads_the_history_lazily(agent_client, ticket):
    body = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f'hx-get="{history_url(ticket)}" hx-trigger="toggle once"' in body
    assert 'class="history__sentence"' not in body  # not rendered until the panel opens


def test_another_accounts_agent_gets_404(ticket, other_account, make_agent):
    stranger = make_agent(other_account, "eve@globex.test", "Eve")
    response = signed_in(stranger, other_account).get(history_url(ticket), **HTMX)
    assert response.status_code == 404
    assert "created the ticket" not in response.content.decode()


def test_rows_of_another_account_with_the_same_subject_are_not_shown(agent_client, ticket, other_account):
    AuditEntry.objects.create(
        account=other_account,
        action="ticket.tagged",
        subject_type="ticket",
        subject_id=ticket.public_id,
        data={"tags": ["leak"]},
    )
    assert sentences(agent_client, ticket) == ["Helpline received a message (Web)", "Helpline created the ticket"]


def test_a_role_without_ticket_work_is_forbidden(agent_client, ticket, account, agent):
    role = create_role(account=account, name="Reporter", permission_keys=["reports.view"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    response = agent_client.get(history_url(ticket), **HTMX)
    assert response.status_code == 403
    assert "created the ticket" not in response.content.decode()


def test_the_history_costs_two_queries_however_long(ticket, account, agent, make_agent):
    billing = create_department(account=account, name="Billing")
    plan = CustomField.objects.create(account=account, key="plan", label="Plan", kind="text", applies_to="ticket")
    bob = make_agent(account, "bob@acme.test", "Bob Builder")

    def changes(n: int) -> None:
        for _ in range(n):
            assign_ticket(ticket=ticket, assignee=agent, actor=Actor(user=agent))
            assign_ticket(ticket=ticket, assignee=bob, actor=Actor(user=bob))
            transfer_ticket(ticket=ticket, department=billing, actor=Actor(user=agent))
            transfer_ticket(ticket=ticket, department=None, actor=Actor(user=bob))
            set_custom_field(ticket=ticket, field=plan, value="Gold", actor=Actor(user=agent))

    changes(1)
    with CaptureQueriesContext(connection) as few:
        short = ticket_history(ticket)
    changes(12)
    with CaptureQueriesContext(connection) as many:
        long = ticket_history(ticket)
    assert len(short.items) == 7
    assert len(long.items) == PAGE_SIZE
    assert len(few) == len(many) == 2


def test_a_history_without_references_costs_one_query(ticket):
    with CaptureQueriesContext(connection) as queries:
        history = ticket_history(ticket)
    assert [item.sentence for item in history.items] == [
        "Helpline received a message (Web)",
        "Helpline created the ticket",
    ]
    assert len(queries) == 1
