"""Every action kind, run by a rule on a customer's message, through the real conversation actions."""

from __future__ import annotations

import pytest

from helpline.automation.models import RuleExecution
from helpline.automation.tests.conftest import online, tags_of
from helpline.conversations import actions as conv
from helpline.conversations.models import Message
from helpline.core.actors import Actor
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department, set_department_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_message(ticket, make_rule, run):
    """Make a rule with these actions on "message received", let the customer write, return the fresh ticket."""

    def fire(*actions, text="Any news?"):
        rule = make_rule(ticket.account, trigger="customer_message", actions=list(actions))
        run(conv.receive_message, ticket=ticket, contact=ticket.contact, kind="web", text=text)
        ticket.refresh_from_db()
        execution = RuleExecution.objects.filter(rule=rule).order_by("-id").first()
        assert execution.outcome == "applied", execution.error
        return ticket, execution

    return fire


def test_assign_and_unassign(on_message, agent):
    ticket, execution = on_message({"type": "assign", "agent": agent.public_id})
    assert ticket.assignee == agent
    assert execution.results == [{"type": "assign", "summary": "Assign to Alice Agent", "changed": True}]
    entry = AuditEntry.objects.get(action="ticket.assigned")
    assert entry.data["rule"] == execution.rule.public_id

    ticket, execution = on_message({"type": "unassign"})
    assert ticket.assignee is None


def test_assign_round_robin_cycles_through_the_departments_agents(account, make_agent, make_ticket, make_rule, run):
    a = make_agent(account, "a@acme.test", "Ann")
    b = make_agent(account, "b@acme.test", "Bob")
    team = create_department(account=account, name="Team")
    set_department_members(department=team, users=[a, b])
    online(account, a, b)
    make_rule(account, actions=[{"type": "assign_round_robin", "department": team.public_id}])

    assignees = [run(make_ticket, account, email=f"c{n}@example.com") for n in range(3)]

    first, second = sorted([a, b], key=lambda user: user.pk)
    assert [t.__class__.objects.get(pk=t.pk).assignee for t in assignees] == [first, second, first]


def test_assign_least_load_picks_the_agent_with_fewest_waiting_tickets(
    account, make_agent, make_ticket, make_rule, run
):
    busy = make_agent(account, "busy@acme.test", "Busy")
    free = make_agent(account, "free@acme.test", "Free")
    team = create_department(account=account, name="Team")
    set_department_members(department=team, users=[busy, free])
    online(account, busy, free)
    for n in range(2):
        conv.assign_ticket(ticket=make_ticket(account, email=f"old{n}@example.com"), assignee=busy)
    resolved = make_ticket(account, email="done@example.com")
    conv.assign_ticket(ticket=resolved, assignee=free)
    conv.change_status(ticket=resolved, status="resolved")  # not waiting: does not count
    conv.assign_ticket(ticket=make_ticket(account, email="x@example.com"), assignee=free)
    make_rule(account, actions=[{"type": "assign_least_load", "department": team.public_id}])

    ticket = run(make_ticket, account, email="new@example.com")

    ticket.refresh_from_db()
    assert ticket.assignee == free  # busy has 2 waiting, free 1


def test_transfer(on_message, account):
    sales = create_department(account=account, name="Sales")
    ticket, execution = on_message({"type": "transfer", "department": sales.public_id})
    assert ticket.department == sales
    assert execution.results[0]["summary"] == "Transfer to Sales"


@pytest.mark.parametrize(
    ("action", "status"),
    [({"type": "set_status", "status": "postponed"}, "postponed"), ({"type": "mark_spam"}, "spam"),
     ({"type": "delete"}, "deleted")],
)  # fmt: skip
def test_status_actions(on_message, action, status):
    ticket, _execution = on_message(action)
    assert ticket.status == status


def test_priority_and_tags(on_message):
    ticket, execution = on_message(
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_tags", "tags": ["VIP", "billing"]},
        {"type": "remove_tags", "tags": ["billing"]},
    )
    assert ticket.priority == 4
    assert tags_of(ticket) == ["VIP"]
    assert [r["summary"] for r in execution.results] == [
        "Set priority to Urgent",
        "Add tags: VIP, billing",
        "Remove tags: billing",
    ]


def test_unchanged_actions_say_so(on_message, ticket):
    ticket, execution = on_message({"type": "set_priority", "priority": "normal"})
    assert execution.results == [{"type": "set_priority", "summary": "Set priority to Normal", "changed": False}]
    assert not AuditEntry.objects.filter(action="ticket.priority_changed").exists()


def test_set_custom_field(on_message, account):
    from helpline.conversations.actions.custom_fields import create_custom_field

    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    ticket, execution = on_message({"type": "set_custom_field", "field": "plan", "value": "Gold"})
    assert list(ticket.field_values.values_list("field__key", "value")) == [("plan", "Gold")]
    assert execution.results[0]["summary"] == "Set Plan to “Gold”"


def test_send_reply_with_text_is_an_automatic_message(on_message):
    ticket, execution = on_message(
        {"type": "send_reply", "text": "Hello {{ contact.name }}, ticket {{ ticket.code }}."}
    )
    reply = Message.objects.get(ticket=ticket, direction="out")
    assert reply.body_text == f"Hello Carla Customer, ticket {ticket.code}."
    assert (reply.author_user, reply.meta["automatic"]) == (None, "rule")
    assert ticket.status == "new"  # an automatic message does not answer the ticket


def test_send_reply_with_a_predefined_answer_answers_the_ticket(on_message, account):
    from helpline.replies.actions.answers import create_predefined_answer

    answer = create_predefined_answer(
        account=account, name="Thanks", body="Thanks {{ contact.name }}!", add_tags=["thanked"], actor=Actor()
    )
    ticket, execution = on_message({"type": "send_reply", "answer": answer.public_id})
    reply = Message.objects.get(ticket=ticket, direction="out")
    assert reply.body_text == "Thanks Carla Customer!"
    assert ticket.status == "answered"
    assert tags_of(ticket) == ["thanked"]
    assert execution.results[0]["summary"] == "Reply with the predefined answer “Thanks”"


def test_send_email(on_message):
    ticket, _execution = on_message(
        {"type": "send_email", "to": ["boss@acme.test"], "text": "Look at {{ ticket.code }}"}
    )
    email = Message.objects.get(ticket=ticket, direction="out")
    assert email.meta["to"] == ["boss@acme.test"]
    assert email.body_text == f"Look at {ticket.code}"


def test_add_note(on_message):
    ticket, _execution = on_message({"type": "add_note", "text": "Customer wrote again"})
    note = Message.objects.get(ticket=ticket, kind="note")
    assert (note.body_text, note.direction, note.author_user) == ("Customer wrote again", "internal", None)


def test_forward_the_customers_message(on_message):
    ticket, _execution = on_message({"type": "forward", "to": ["legal@acme.test"], "text": "FYI"}, text="I will sue")
    forwarded = Message.objects.get(ticket=ticket, direction="out")
    received = Message.objects.filter(ticket=ticket, direction="in").latest("id")
    assert forwarded.meta["to"] == ["legal@acme.test"]
    assert forwarded.meta["forward_of"] == received.public_id
    assert received.body_text == "I will sue"


@pytest.fixture
def recorder(account):
    """A local HTTP server that records what arrives, which the account's webhooks may reach (loopback allowed)."""
    from helpline.testing.recording_server import recording_server
    from helpline.webhooks.actions import set_allowed_ranges

    set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
    with recording_server() as server:
        yield server


def test_call_webhook_posts_the_rule_and_the_ticket(on_message, account, recorder):
    from helpline.webhooks.actions import create_webhook
    from helpline.webhooks.models import WebhookDelivery

    url = recorder.url + "/rules"
    webhook, _secret = create_webhook(account=account, name="CRM", url=url, event_types=["ticket.created"])
    ticket, execution = on_message({"type": "call_webhook", "webhook": webhook.public_id})

    assert execution.results == [{"type": "call_webhook", "summary": "Call the webhook “CRM”", "changed": True}]
    assert len(recorder.requests) == 1
    body = recorder.requests[0].json()
    assert body["type"] == "event_rule.fired"
    assert body["data"]["rule"] == {"id": execution.rule.public_id, "name": "Rule"}
    assert (body["data"]["ticket"]["id"], body["data"]["ticket"]["code"]) == (ticket.public_id, ticket.code)
    assert WebhookDelivery.objects.get(webhook=webhook).status == "succeeded"
