"""Looking mail up by Message-ID goes through the (account, external_id) index on SQLite. With ORDER BY id its
planner preferred the account's index, which yields ids in order, and walked every message of the account."""

import pytest
from django.db import connection

from helpline.channels.email import threading
from helpline.ingest import batch
from helpline.ingest.pipeline import InboundMessage, find_thread
from helpline.people.actions import find_or_create_contact
from helpline.testing.plans import select_plans

IDS = ["<one@example.com>", "<two@example.com>"]


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")


def test_the_batch_prefetch_of_referenced_messages_uses_the_external_id_index(account):
    def prefetch():
        with batch.batch_lookups(account.pk):
            threading.prefetch(account, set(IDS))

    plans = select_plans(prefetch, "conversations_message")
    assert plans == ["SEARCH conversations_message USING INDEX message_external_id (account_id=? AND external_id=?)"]


def test_the_generic_thread_lookup_uses_the_external_id_index(account):
    contact = find_or_create_contact(account=account, kind="email", value="dana@example.com")[0]
    inbound = InboundMessage(
        account=account, channel="web", kind="form", sender_kind="email", sender_value="dana@example.com", raw=b"",
        references=IDS,
    )  # fmt: skip
    plans = select_plans(lambda: find_thread(inbound, contact), "conversations_message")
    assert plans == ["SEARCH conversations_message USING INDEX message_external_id (account_id=? AND external_id=?)"]
