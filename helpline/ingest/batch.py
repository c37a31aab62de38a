"""Lookups shared by the messages of one delivery batch (``pipeline.deliver_batch``).

A batch is delivered in one transaction, each message in a savepoint of its own. Before the first message the
batch looks up, in one query each, what every message of it will ask: the earlier copies of its messages (dedupe),
the contacts of every address it names, and (through the channel's ``ThreadPolicy.prefetch``) the stored messages
its headers refer to. A message stored in the batch is added to these lookups once its savepoint is released, so
a reply arriving in the same batch as its original threads onto it; what a message that failed had added is
dropped with its savepoint. The lookups live as long as the batch (a context variable), so nothing grows with
the number of messages a worker delivers over its lifetime.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from helpline.people.actions import find_or_create_contact
from helpline.people.models import ContactIdentity

CHUNK = 500  # values per IN (...) list: well below SQLite's limit on query parameters

_current: ContextVar[BatchLookups | None] = ContextVar("helpline_ingest_batch", default=None)


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    return value.lower() if kind == ContactIdentity.EMAIL else value


class BatchLookups:
    """What the batch's messages look up, each fetched once; additions of the message in progress are staged."""

    def __init__(self, account_id: int):
        self.account_id = account_id
        self.copies: dict[tuple[str, str], object] = {}  # dedupe key → the message an earlier copy delivered
        self.contacts: dict[tuple[str, str], object] = {}  # (kind, value) → Contact
        self.known_contacts: set[tuple[str, str]] = set()  # identities looked up (found or not)
        self.messages: dict[str, list] = {}  # external id → stored messages (not internal), oldest first
        self.known_ids: set[str] = set()  # external ids looked up (found or not)
        self.answers: dict[str, int] = {}  # address → automatic answers it got within the channel's rate window
        self.processed: dict[int, tuple[int | None, str]] = {}  # record id → (message id, thread reason)
        self._staged: list[tuple[str, object, object]] = []

    # --- the message in progress ------------------------------------------------------------------------------

    def stage(self, table: str, key, value) -> None:
        self._staged.append((table, key, value))

    def commit(self) -> None:
        """The message's savepoint was released: what it added is now part of the batch's view."""
        for table, key, value in self._staged:
            if table == "messages":
                self.messages.setdefault(key, []).append(value)
                self.known_ids.add(key)
            else:
                getattr(self, table)[key] = value
        self._staged.clear()

    def rollback(self) -> None:
        self._staged.clear()

    def _staged_value(self, table: str, key):
        for staged_table, staged_key, value in reversed(self._staged):
            if staged_table == table and staged_key == key:
                return value
        return None

    # --- dedupe -----------------------------------------------------------------------------------------------

    def earlier_copy(self, key: tuple[str, str]):
        """(found, message): a copy of this message was delivered before or earlier in this batch."""
        if key in self.copies:
            return True, self.copies[key]
        staged = [v for t, k, v in self._staged if t == "copies" and k == key]
        return (True, staged[-1]) if staged else (False, None)

    # --- contacts ---------------------------------------------------------------------------------------------

    def prefetch_contacts(self, account, kind: str, values: Iterable[str]) -> None:
        wanted = {normalise(kind, v) for v in values if v} - {v for k, v in self.known_contacts if k == kind}
        for part in chunks(sorted(wanted)):
            rows = ContactIdentity.objects.select_related("contact").filter(account=account, kind=kind, value__in=part)
            for identity in rows:
                self.contacts[(kind, identity.value)] = identity.contact
        self.known_contacts |= {(kind, v) for v in wanted}

    def contact(self, key: tuple[str, str]):
        return self._staged_value("contacts", key) or self.contacts.get(key)

    # --- automatic answers per recipient (rate limits) ---------------------------------------------------------

    def answers_to(self, address: str) -> int | None:
        """The automatic answers this address got in the rate window, those of this batch included; None when the
        batch did not look it up."""
        for staged_table, staged_key, value in reversed(self._staged):
            if staged_table == "answers" and staged_key == address:
                return value
        return self.answers.get(address)

    def count_answer(self, address: str) -> None:
        """One more automatic answer to a looked-up address (dropped if the message's savepoint is)."""
        known = self.answers_to(address)
        if known is not None:
            self.stage("answers", address, known + 1)

    # --- messages by external id (threading) -------------------------------------------------------------------

    def covers(self, ids: Iterable[str]) -> bool:
        return all(i in self.known_ids for i in ids)

    def messages_for(self, external_id: str) -> list:
        staged = [v for t, k, v in self._staged if t == "messages" and k == external_id]
        return [*self.messages.get(external_id, ()), *staged]

    def add_message(self, message) -> None:
        if message.external_id:
            self.stage("messages", message.external_id, message)


def current(account_id: int | None = None) -> BatchLookups | None:
    """The lookups of the batch being delivered (for that account), or None outside a batch."""
    lookups = _current.get()
    if lookups is None or (account_id is not None and lookups.account_id != account_id):
        return None
    return lookups


@contextmanager
def batch_lookups(account_id: int) -> Iterator[BatchLookups]:
    lookups = BatchLookups(account_id)
    token = _current.set(lookups)
    try:
        yield lookups
    finally:
        _current.reset(token)


def contact_for(*, account, kind: str, value: str, name: str = ""):
    """``people.actions.find_or_create_contact``, answered from the batch's lookups when one is running."""
    lookups = current(account.pk)
    key = (kind, normalise(kind, value))
    if lookups is not None:
        found = lookups.contact(key)
        if found is not None:
            return found, False
    contact, created = find_or_create_contact(account=account, kind=kind, value=value, name=name)
    if lookups is not None:
        lookups.stage("contacts", key, contact)
    return contact, created
