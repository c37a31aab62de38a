"""The "Notify Slack" action: the rule's text with placeholders and a link to the ticket, posted in Slack's
incoming-webhook format to a local server that records requests (the webhooks' delivery: stored, sent, logged)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.automation.actions import create_time_rule
from helpline.automation.models import RuleExecution
from helpline.automation.schema import RuleInvalid
from helpline.automation.timerules.sweep import sweep
from helpline.conversations.models import Ticket
from helpline.core import clock
from helpline.core.actors import Actor
from helpline.testing.recording_server import recording_server
from helpline.webhooks import actions as webhooks
from helpline.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    with recording_server() as server:
        yield server


@pytest.fixture
def slack_hook(account, recorder):
    webhooks.set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
    hook, _secret = webhooks.create_webhook(
        account=account,
        kind="slack",
        name="#escalations",
        url=recorder.url + "/services/T1/B1/X",
        event_types=["message.received"],
    )
    return hook


def test_an_event_rule_notifies_slack(account, slack_hook, recorder, make_rule, make_ticket, run):
    make_rule(account, actions=[{"type": "notify_slack", "slack": slack_hook.public_id,
                                 "text": "New & urgent from {{ contact.name }}"}])  # fmt: skip

    ticket = run(make_ticket, account, subject="Printer on fire")

    assert [r.path for r in recorder.requests] == ["/services/T1/B1/X"]
    url = f"http://127.0.0.1:8000/agent/tickets/{ticket.public_id}/"
    body = recorder.requests[0].json()
    assert body["text"] == f"New &amp; urgent from Carla Customer: <{url}|#{ticket.code} Printer on fire>"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.webhook_id, delivery.event_type, delivery.status) == (
        slack_hook.pk,
        "rule.slack_notice",
        "succeeded",
    )
    assert RuleExecution.objects.get().results == [
        {"type": "notify_slack", "summary": "Notify Slack through “#escalations”", "changed": True}
    ]


def test_a_time_rule_notifies_slack_with_its_name_when_no_text_is_given(
    account, slack_hook, recorder, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(account, subject="Waiting")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=clock.now() - timedelta(hours=3))
    create_time_rule(account=account, name="Unanswered for 2 hours", clock="created", after_minutes=120,
                     actions=[{"type": "notify_slack", "slack": slack_hook.public_id}], actor=Actor())  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep().fired == 1

    url = f"http://127.0.0.1:8000/agent/tickets/{ticket.public_id}/"
    assert recorder.requests[0].json()["text"] == f"Rule “Unanswered for 2 hours”: <{url}|#{ticket.code} Waiting>"


def test_only_a_slack_webhook_of_the_account_is_accepted(account, other_account, make_rule, recorder):
    theirs, _secret = webhooks.create_webhook(
        account=other_account, kind="slack", name="#theirs", url=recorder.url + "/x", event_types=["message.received"]
    )
    json_hook, _secret = webhooks.create_webhook(
        account=account, kind="json", name="JSON", url=recorder.url + "/json", event_types=["ticket.created"]
    )
    for public_id in (theirs.public_id, json_hook.public_id):
        with pytest.raises(RuleInvalid) as caught:
            make_rule(account, actions=[{"type": "notify_slack", "slack": public_id}])
        assert (caught.value.field, caught.value.message) == ("actions.0.slack", "No such Slack webhook.")
    assert recorder.requests == []
