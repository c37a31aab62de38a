"""THE inbound pipeline: raw source stored → dedupe → contact → thread → conversations.receive_message.

Channel adapters turn what they receive into an ``InboundMessage`` and call ``ingest`` (or ``store_raw`` then
``deliver``). A channel with its own threading rules (email: strangers, agent replies, spam) passes a
``ThreadPolicy`` on the message; the pipeline itself never branches on the channel kind.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError, connection, transaction

from helpline.conversations import actions as conversations
from helpline.conversations.actions.attachments import attachment_url, link_inline_images  # noqa: F401 (re-export)
from helpline.conversations.models import Message, Ticket
from helpline.conversations.selectors import follow_merges
from helpline.core.rows import update_rows
from helpline.events.decisions import once_per_batch
from helpline.ingest.batch import CHUNK, BatchLookups, batch_lookups, chunks, contact_for
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import write_raw, write_raws
from helpline.realtime.subscribers import one_push_per_batch

log = logging.getLogger(__name__)
TICKET_CODE = re.compile(r"\[#([A-Z]{3}-\d{3}-\d{5})\]")
PER_COMMIT = 32  # messages per transaction of a batch (each publishes ~5 events; bus.MAX_SCAN is 200)
TEMPORARY = (OperationalError, InterfaceError)  # the database is unavailable or locked: the sender tries again


@dataclass(frozen=True)
class InboundAttachment:
    name: str
    content_type: str
    content: bytes
    content_id: str = ""  # shown inline in the HTML body as cid:<content_id>


@dataclass
class InboundMessage:
    account: object
    channel: str  # the adapter kind, e.g. "email", "web"
    kind: str  # the message kind, e.g. "email", "form", "chat"
    sender_kind: str  # a ContactIdentity kind: "email", "phone", "visitor", …
    sender_value: str
    raw: bytes
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    external_id: str = ""
    references: list[str] = field(default_factory=list)  # external ids this message answers
    attachments: list[InboundAttachment] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # channel details kept on the message (to, cc, mailbox, …)
    in_reply_to: list[str] = field(default_factory=list)  # the direct parents among ``references``
    policy: ThreadPolicy | None = None  # the channel's threading rules; None: the generic ones below
    brand: object | None = None  # for a new ticket
    department: object | None = None  # for a new ticket


@dataclass(frozen=True)
class IngestResult:
    record: InboundRecord
    message: Message | None
    duplicate: bool
    thread_reason: str
    new_ticket: bool = False


@dataclass
class ThreadDecision:
    """Where a message goes, and why (kept as InboundRecord.thread_reason and Message.meta["thread_reason"])."""

    ticket: Ticket | None  # None: open a new ticket
    reason: str
    agent: object | None = None  # an agent answering from their own mail client: stored as their reply, not sent
    existing: Message | None = None  # nothing to store: this message is already known (e.g. our own mail)
    status: str = ""  # the ticket's status once the message is stored, e.g. "spam"
    meta: dict = field(default_factory=dict)  # more facts for Message.meta, e.g. the ticket a stranger quoted


class ThreadPolicy:
    """The generic rules: references first, then the ticket code, the latter only for the ticket's own contact."""

    def decide(self, inbound: InboundMessage, contact) -> ThreadDecision:
        ticket, reason = find_thread(inbound, contact)
        return ThreadDecision(ticket=ticket, reason=reason)

    def stored(self, inbound: InboundMessage, message: Message, decision: ThreadDecision) -> None:
        """Called inside the delivery transaction once the message and its attachments are stored."""

    @classmethod
    def prefetch(cls, inbounds: list[InboundMessage], lookups: BatchLookups) -> None:
        """Before a batch is delivered: look up at once what ``decide`` will ask for each of these messages."""

    def identities_named(self, inbound: InboundMessage) -> list[tuple[str, str]]:
        """(kind, value) of further people the message names (e.g. CC), whose contacts a batch looks up at once."""
        return []

    def delivered(self, inbound: InboundMessage, message: Message, decision: ThreadDecision, *, new_ticket: bool):
        """Called last inside the delivery transaction (the record is marked processed): what the channel does
        about a stored message in the same commit, e.g. email's acknowledgement of a new ticket."""


GENERIC_POLICY = ThreadPolicy()


def store_raws(*, account, channel: str, raws: list[bytes], source: str = "") -> list[InboundRecord]:
    """Step one for a batch: every raw written and fsynced, then their records committed together."""
    records = [
        InboundRecord(
            account=account, channel=channel, source=source[:64], raw_key=key, raw_size=len(raw), raw_sha256=digest
        )
        for raw, (key, digest) in zip(raws, write_raws(account.pk, channel, raws), strict=True)
    ]
    with transaction.atomic():
        return InboundRecord.objects.bulk_create(records, batch_size=CHUNK)


def store_raw(*, account, channel: str, raw: bytes, source: str = "", external_id: str = "") -> InboundRecord:
    """Step one, committed on its own before anything parses: the raw bytes on disk and a record of them."""
    key, digest = write_raw(account.pk, channel, raw)
    return InboundRecord.objects.create(
        account=account,
        channel=channel,
        source=source[:64],
        external_id=external_id[:255],
        raw_key=key,
        raw_size=len(raw),
        raw_sha256=digest,
    )


def quarantine(record: InboundRecord, reason: str, *, thread_reason: str = "") -> InboundRecord:
    updates = {"state": InboundRecord.QUARANTINED, "error": reason[:2000]}
    if thread_reason:
        updates["thread_reason"] = thread_reason[:32]
    return _update_record(record, updates)


def finish(record: InboundRecord, message: Message | None, reason: str) -> InboundRecord:
    """Mark a record processed without storing a new message (a duplicate, a bounce matched to its message…)."""
    return _update_record(record, {"state": InboundRecord.PROCESSED, "message": message, "thread_reason": reason[:32]})


def _update_record(record: InboundRecord, updates: dict) -> InboundRecord:
    """Write ``updates`` to the record's row and to ``record`` (no read back)."""
    InboundRecord.objects.filter(pk=record.pk).update(**updates)
    for name, value in updates.items():
        setattr(record, name, value)
    return record


def find_thread(inbound: InboundMessage, contact) -> tuple[Ticket | None, str]:
    """Which ticket this message continues, and why. References first, then the ticket code."""
    account = inbound.account
    refs = [r for r in inbound.references if r][:50]
    if refs:
        # The newest in Python: ORDER BY id would make SQLite walk the account's messages instead of the index.
        found = Message.objects.filter(account=account, external_id__in=refs).select_related("ticket")
        replied = max(found, key=lambda m: m.pk, default=None)
        if replied:
            return replied.ticket, "reference"
    match = TICKET_CODE.search(inbound.subject or "")
    if match:
        ticket = Ticket.objects.filter(account=account, code=match.group(1)).first()
        if ticket and ticket.contact_id == contact.pk:
            return ticket, "ticket_code"
    return None, "new_ticket"


def ingest(inbound: InboundMessage) -> IngestResult:
    """Store the raw source, then deliver it. Call outside any transaction: the raw record commits first."""
    record = store_raw(
        account=inbound.account, channel=inbound.channel, raw=inbound.raw, external_id=inbound.external_id
    )
    return deliver(record, inbound)


def deliver(record: InboundRecord, inbound: InboundMessage) -> IngestResult:
    """Dedupe, then thread and store: a batch of one. A failure quarantines the record (raw kept), never raises."""
    try:
        return deliver_batch([(record, inbound)])[0]
    except Exception as exc:  # the batch raises temporary failures to its caller; a single delivery never raises
        log.exception("inbound %s quarantined", record.public_id)
        return IngestResult(
            record=quarantine(record, repr(exc)), message=None, duplicate=False, thread_reason="quarantined"
        )


def deliver_batch(
    items: list[tuple[InboundRecord, InboundMessage]], *, per_commit: int = PER_COMMIT
) -> list[IngestResult]:
    """Deliver stored records of one account and channel, ``per_commit`` of them per transaction.

    Each message is delivered in a savepoint of its own: one that fails is rolled back alone and its record
    quarantined (raw kept, error noted) while the others are stored. The batch's lookups (earlier copies,
    contacts, the messages its headers name) are made once per transaction (``ingest.batch``), and agents'
    browsers get one refresh for the batch. A temporary database failure (``TEMPORARY``) is raised: what was
    not committed stays stored, and the transport offers the mail again."""
    if not items:
        return []
    _record_external_ids(items)
    results: list[IngestResult] = []
    for start in range(0, len(items), per_commit):
        results += _deliver_chunk(items[start : start + per_commit])
    return results


def _record_external_ids(items) -> None:
    """Committed before delivery, so that concurrent deliveries of the same message find each other's record."""
    changed = []
    for record, inbound in items:
        if inbound.external_id and record.external_id != inbound.external_id[:255]:
            record.external_id = inbound.external_id[:255]
            changed.append((record.external_id, record.pk))
    if changed:
        with transaction.atomic():
            update_rows(InboundRecord, ("external_id",), changed)


def _deliver_chunk(items) -> list[IngestResult]:
    account = items[0][1].account
    results = []
    # The after-commit subscribers of the chunk's events share their lookups and do their gathered work together.
    with one_push_per_batch(), once_per_batch(), batch_lookups(account.pk) as lookups, transaction.atomic():
        _prefetch(lookups, items)
        for record, inbound in items:
            try:
                with transaction.atomic():
                    message, reason, known, created = _deliver(inbound, record, lookups)
            except TEMPORARY:
                raise
            except Exception as exc:
                lookups.rollback()
                log.exception("inbound %s quarantined", record.public_id)
                results.append(
                    IngestResult(
                        record=quarantine(record, repr(exc)), message=None, duplicate=False, thread_reason="quarantined"
                    )
                )
                continue
            lookups.commit()
            results.append(
                IngestResult(record=record, message=message, duplicate=known, thread_reason=reason, new_ticket=created)
            )
        _mark_processed(lookups.processed)
    return results


def _processed(lookups: BatchLookups, record: InboundRecord, message: Message | None, reason: str) -> None:
    """``finish`` for a record of the chunk: written with the others once the chunk is delivered."""
    record.state, record.message, record.thread_reason = InboundRecord.PROCESSED, message, reason[:32]
    lookups.stage("processed", record.pk, (getattr(message, "pk", None), record.thread_reason))


def _mark_processed(done: dict[int, tuple[int | None, str]]) -> None:
    """The chunk's delivered records marked processed in one statement, inside the chunk's transaction (one
    ORM update per record cost as much as storing the message)."""
    rows = [(InboundRecord.PROCESSED, message_id, why, record_id) for record_id, (message_id, why) in done.items()]
    update_rows(InboundRecord, ("state", "message", "thread_reason"), rows)


def _copy_key(record: InboundRecord) -> tuple[str, str]:
    """The same message: same external id or, without one, the same bytes."""
    return ("id", record.external_id) if record.external_id else ("sha", record.raw_sha256)


def _prefetch(lookups: BatchLookups, items) -> None:
    """One query each for the whole chunk: lock every copy of its messages (concurrent deliveries of the same
    message queue here, in id order), the copies processed before, the senders' contacts, the policy's needs."""
    first = items[0][0]
    base = InboundRecord.objects.filter(account_id=first.account_id, channel=first.channel)
    ids = {r.external_id for r, _i in items if r.external_id}
    hashes = {r.raw_sha256 for r, _i in items if not r.external_id}
    ours = {r.pk for r, _i in items}
    processed = []
    for field_name, values in (("external_id__in", ids), ("raw_sha256__in", hashes)):
        by_hash = field_name == "raw_sha256__in"  # mail without an id: copies without one either
        for part in chunks(sorted(values)):
            copies = base.filter(**{field_name: part})
            if connection.features.has_select_for_update:
                # Locked in id order. Not on SQLite (no row locks), whose planner would walk every record of the
                # account in id order instead of searching the dedupe indexes.
                copies = copies.select_for_update().order_by("id")
            rows = copies.values_list("id", "external_id", "raw_sha256", "state", "message_id")
            processed += [
                row
                for row in rows
                if row[3] == InboundRecord.PROCESSED and row[0] not in ours and not (by_hash and row[1])
            ]
    messages = Message.objects.in_bulk([row[4] for row in processed if row[4]]) if processed else {}
    for _pk, external_id, digest, _state, message_id in sorted(processed):
        key = ("id", external_id) if external_id else ("sha", digest)
        lookups.copies.setdefault(key, messages.get(message_id))
    people: dict[str, set[str]] = {}
    for _record, inbound in items:
        people.setdefault(inbound.sender_kind, set()).add(inbound.sender_value)
        for kind, value in (inbound.policy or GENERIC_POLICY).identities_named(inbound):
            people.setdefault(kind, set()).add(value)
    for kind, values in people.items():
        lookups.prefetch_contacts(inbound.account, kind, values)
    by_policy: dict[type, list[InboundMessage]] = {}
    for _record, inbound in items:
        by_policy.setdefault(type(inbound.policy or GENERIC_POLICY), []).append(inbound)
    for policy_type, inbounds in by_policy.items():
        policy_type.prefetch(inbounds, lookups)


def _deliver(
    inbound: InboundMessage, record: InboundRecord, lookups: BatchLookups
) -> tuple[Message | None, str, bool, bool]:
    """(message, reason, already known, ticket created)."""
    key = _copy_key(record)
    known, earlier = lookups.earlier_copy(key)
    if known:
        _processed(lookups, record, earlier, "duplicate")
        return earlier, "duplicate", True, False
    contact, _created = contact_for(
        account=inbound.account, kind=inbound.sender_kind, value=inbound.sender_value, name=inbound.sender_name
    )
    policy = inbound.policy or GENERIC_POLICY
    decision = policy.decide(inbound, contact)
    if decision.existing is not None:
        _processed(lookups, record, decision.existing, decision.reason)
        lookups.stage("copies", key, decision.existing)
        return decision.existing, decision.reason, True, False
    # A reply to a merged ticket lands in the ticket it was merged into; no ticket: the message opens one.
    message = _store_message(inbound, follow_merges(decision.ticket), contact, decision)
    ticket = message.ticket
    lookups.add_message(message)
    lookups.stage("copies", key, message)
    if decision.status and ticket.status != decision.status:
        conversations.change_status(ticket=ticket, status=decision.status)
    policy.stored(inbound, message, decision)
    _processed(lookups, record, message, decision.reason)
    policy.delivered(inbound, message, decision, new_ticket=decision.ticket is None)
    return message, decision.reason, False, decision.ticket is None


def _store_message(inbound: InboundMessage, ticket: Ticket | None, contact, decision: ThreadDecision) -> Message:
    """The message on its ticket; without one (``ticket`` None), on a ticket it opens."""
    meta = {**inbound.meta, **decision.meta, "thread_reason": decision.reason}
    text = inbound.text or ("" if inbound.html else "(empty message)")
    opened = dict(subject=inbound.subject, channel=inbound.channel, brand=inbound.brand, department=inbound.department)
    if decision.agent is not None:
        if ticket is None:
            ticket = conversations.create_ticket(account=inbound.account, contact=contact, **opened)
        message = conversations.send_reply(
            ticket=ticket,
            author=decision.agent,
            text=text,
            html_body=inbound.html,
            meta=meta,
            external_id=inbound.external_id,
            sent_externally=True,
        )
    else:
        customer = dict(contact=contact, kind=inbound.kind, text=text, html_body=inbound.html, meta=meta)
        customer["external_id"] = inbound.external_id
        if ticket is None:
            message = conversations.open_ticket(account=inbound.account, **opened, **customer)
        else:
            message = conversations.receive_message(ticket=ticket, **customer)
    inline = {}
    for attachment in inbound.attachments:
        stored = conversations.store_attachment(
            message=message, name=attachment.name, content=attachment.content, content_type=attachment.content_type
        )
        if attachment.content_id:
            inline[attachment.content_id.strip("<>").lower()] = stored.public_id
    if inline:
        link_inline_images(message, inline)
    return message
