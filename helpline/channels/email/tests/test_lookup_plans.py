"""Looking mail up by Message-ID goes through the (account, external_id) index on SQLite. With ORDER BY id its
planner preferred the account's index, which yields ids in order, and walked every message of the account."""

import pytest
from django.db import connection

from helpline.channels.email import threading
from helpline.ingest import batch
from helpline.ingest.pipeline import InboundMessage, find_thread
from helpline.people.actions import find_or_create_contact

IDS = ["<one@example.com>", "<two@example.com>"]


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")


def _message_plans(call) -> list[str]:
    statements = []

    def keep(execute, sql, params, many, context):
        if "conversations_message" in sql and sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        call()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall() if "conversations_message" in row[-1]))
    return plans


def test_the_batch_prefetch_of_referenced_messages_uses_the_external_id_index(account):
    def prefetch():
        with batch.batch_lookups(account.pk):
            threading.prefetch(account, set(IDS))

    plans = _message_plans(prefetch)
    assert plans == ["SEARCH conversations_message USING INDEX message_external_id (account_id=? AND external_id=?)"]


def test_the_generic_thread_lookup_uses_the_external_id_index(account):
    contact = find_or_create_contact(account=account, kind="email", value="dana@example.com")[0]
    inbound = InboundMessage(
        account=account, channel="web", kind="form", sender_kind="email", sender_value="dana@example.com", raw=b"",
        references=IDS,
    )  # fmt: skip
    plans = _message_plans(lambda: find_thread(inbound, contact))
    assert plans == ["SEARCH conversations_message USING INDEX message_external_id (account_id=? AND external_id=?)"]
