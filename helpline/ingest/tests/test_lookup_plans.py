"""The dedupe look-up of a batch searches its indexes on SQLite: by external id, or by hash for messages without
one. With ORDER BY id (and, for hashes, an ``external_id = ''`` term) the planner walked the account's records."""

import pytest
from django.db import connection

from helpline.ingest.models import InboundRecord
from helpline.ingest.pipeline import InboundMessage, deliver_batch, store_raw
from helpline.testing.plans import select_plans


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")


def _deliver(account, external_ids: list[str]) -> None:
    """A batch, as a mail fetch delivers one (an IN list of many values is what tempted the planner)."""
    items = []
    for number, external_id in enumerate(external_ids):
        raw = f"form post {number}".encode()
        record = store_raw(account=account, channel="web", raw=raw, external_id=external_id)
        inbound = InboundMessage(
            account=account, channel="web", kind="form", sender_kind="email", sender_value="dana@example.com",
            raw=raw, text="Hello", external_id=external_id,
        )  # fmt: skip
        items.append((record, inbound))
    deliver_batch(items)


def test_copies_by_external_id_are_found_through_the_dedupe_index(account, sqlite_only):
    plans = select_plans(lambda: _deliver(account, [f"form-{n}" for n in range(25)]), "ingest_inboundrecord")
    assert plans == [
        "SEARCH ingest_inboundrecord USING INDEX inbound_dedupe (account_id=? AND channel=? AND external_id=?)"
    ]


def test_copies_by_hash_are_found_through_the_hash_index(account, sqlite_only):
    plans = select_plans(lambda: _deliver(account, [""] * 25), "ingest_inboundrecord")
    assert plans == [
        "SEARCH ingest_inboundrecord USING INDEX inbound_dedupe_hash (account_id=? AND channel=? AND raw_sha256=?)"
    ]


def test_a_copy_without_an_id_is_still_a_duplicate(account):
    _deliver(account, [""])
    _deliver(account, [""])
    states = list(InboundRecord.objects.filter(account=account).order_by("id").values_list("thread_reason", flat=True))
    assert states == ["new_ticket", "duplicate"]
