"""The plan limits the number of webhooks: 100 even on the unlimited plan, fewer on the smaller ones."""

from __future__ import annotations

import pytest

from helpline.core.errors import LimitReached
from helpline.tenancy.plans import limit_for
from helpline.tenancy.usage import usage_of
from helpline.webhooks import actions
from helpline.webhooks.models import Webhook

URL = "https://crm.example.com/hooks/helpline"


def _create(account, n: int):
    return actions.create_webhook(account=account, name=f"Hook {n}", url=URL, event_types=["ticket.created"])


def test_the_unlimited_plan_still_stops_at_100(account):
    assert limit_for("enterprise", "webhooks") == 100
    Webhook.objects.bulk_create(
        [Webhook(account=account, name=f"Hook {n}", url=URL, event_types=["ticket.created"]) for n in range(100)]
    )
    with pytest.raises(LimitReached) as raised:
        _create(account, 101)
    assert str(raised.value) == "Your Enterprise plan allows 100 webhooks; you have 100. Upgrade to add more."
    assert Webhook.objects.filter(account=account).count() == 100
    assert usage_of(account, "webhooks")["full"] is True


def test_a_small_plan_allows_fewer_and_counts_per_account(make_account):
    free = make_account("tiny", plan="free")
    other = make_account("other", plan="free")
    _create(free, 1)
    with pytest.raises(LimitReached):
        _create(free, 2)
    assert Webhook.objects.filter(account=free).count() == 1
    _create(other, 1)  # another account's webhook does not count
    assert Webhook.objects.filter(account=other).count() == 1


def test_the_api_answers_402_with_a_clear_problem(make_account, client):
    from helpline.api.tests.conftest import ApiClient, assert_problem
    from helpline.security.actions import create_api_key

    free = make_account("tiny", plan="free")
    _key, raw = create_api_key(account=free, name="tests")
    api = ApiClient(client, raw)
    body = {"name": "CRM", "url": URL, "event_types": ["ticket.created"]}
    assert api.post("/webhooks", body).status_code == 201
    problem = assert_problem(api.post("/webhooks", {**body, "name": "Second"}), 402, "plan_limit")
    assert problem["detail"] == "Your Free plan allows 1 webhooks; you have 1. Upgrade to add more."
    assert Webhook.objects.filter(account=free).count() == 1
