"""Slack notifications: Slack's incoming-webhook JSON for new tickets and customer replies, per department."""

from __future__ import annotations

import pytest

from helpline.conversations import actions as conversations
from helpline.webhooks import actions
from helpline.webhooks.models import WebhookDelivery


@pytest.fixture
def slack_hook(account, recorder, allow_loopback):
    hook, secret = actions.create_webhook(
        account=account,
        kind="slack",
        name="#support",
        url=recorder.url + "/services/T000/B000/XXXX",
        event_types=["ticket.created", "message.received"],
    )
    assert secret == ""
    return hook


def test_a_new_ticket_and_a_customer_reply_are_posted_in_slacks_format(
    slack_hook, account, agent, recorder, make_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(account, subject="Printer <on> fire & smoke", body="Help!")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.send_reply(ticket=ticket, author=agent, text="We are on it.")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="Still burning")
    assert [r.path for r in recorder.requests] == ["/services/T000/B000/XXXX"] * 2
    new, reply = (r.json() for r in recorder.requests)
    url = f"http://127.0.0.1:8000/agent/tickets/{ticket.public_id}/"
    link = f"<{url}|#{ticket.code} Printer &lt;on&gt; fire &amp; smoke>"
    assert new == {
        "text": f"New ticket from Carla Customer: {link}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"New ticket from Carla Customer: {link}"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "> Help!"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Priority: normal"}]},
        ],
    }
    assert reply["text"] == f"Carla Customer replied on {link}"
    assert reply["blocks"][1] == {"type": "section", "text": {"type": "mrkdwn", "text": "> Still burning"}}
    assert "x-helpline-signature" not in recorder.requests[0].headers
    assert list(WebhookDelivery.objects.filter(webhook=slack_hook).values_list("event_type", "status_code")) == [
        ("ticket.created", 200),
        ("message.received", 200),
    ]


def test_the_first_message_of_a_new_ticket_is_shown_in_the_new_ticket_post(
    slack_hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make_ticket(account, body="The paper tray is smoking.")
    assert len(recorder.requests) == 1  # the first message is part of "new ticket", not a reply
    assert recorder.requests[0].json()["blocks"][1]["text"]["text"] == "> The paper tray is smoking."


def test_a_slack_webhook_can_be_limited_to_departments(
    slack_hook, account, recorder, make_ticket, django_capture_on_commit_callbacks
):
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    actions.update_webhook(webhook=slack_hook, departments=[sales])
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(account)
    assert recorder.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(account, department=sales)
    assert len(recorder.requests) == 1
    assert "Department: Sales" in recorder.requests[0].json()["blocks"][-1]["elements"][0]["text"]


def test_slack_accepts_only_the_events_it_can_post(account):
    from helpline.core.errors import DomainError

    with pytest.raises(DomainError, match="Unknown event type ticket.assigned"):
        actions.create_webhook(
            account=account,
            kind="slack",
            name="x",
            url="https://hooks.slack.com/services/T/B/X",
            event_types=["ticket.assigned"],
        )
    with pytest.raises(DomainError, match="no signing secret"):
        hook, _ = actions.create_webhook(
            account=account,
            kind="slack",
            name="x",
            url="https://hooks.slack.com/services/T/B/X",
            event_types=["ticket.created"],
        )
        actions.rotate_secret(webhook=hook)


def test_the_test_event_posts_a_slack_message(slack_hook, recorder):
    row = actions.send_test_event(webhook=slack_hook)
    assert (row.event_type, row.status, row.status_code) == ("webhook.test", "succeeded", 200)
    assert recorder.requests[0].json()["text"] == "Test message from Helpline: this Slack webhook works."
