"""THE inbound pipeline: raw source stored → dedupe → contact → thread → conversations.receive_message.

Channel adapters turn what they receive into an ``InboundMessage`` and call ``ingest`` (or ``store_raw`` then
``deliver``). A channel with its own threading rules (email: strangers, agent replies, spam) passes a
``ThreadPolicy`` on the message; the pipeline itself never branches on the channel kind.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import transaction

from helpline.conversations import actions as conversations
from helpline.conversations.actions.attachments import attachment_url, link_inline_images  # noqa: F401 (re-export)
from helpline.conversations.models import Message, Ticket
from helpline.conversations.selectors import follow_merges
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import write_raw
from helpline.people.actions import find_or_create_contact

log = logging.getLogger(__name__)
TICKET_CODE = re.compile(r"\[#([A-Z]{3}-\d{3}-\d{5})\]")


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

    def delivered(self, inbound: InboundMessage, message: Message, decision: ThreadDecision, *, new_ticket: bool):
        """Called last inside the delivery transaction (the record is marked processed): what the channel does
        about a stored message in the same commit, e.g. email's acknowledgement of a new ticket."""


GENERIC_POLICY = ThreadPolicy()


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
    InboundRecord.objects.filter(pk=record.pk).update(**updates)
    record.refresh_from_db()
    return record


def finish(record: InboundRecord, message: Message | None, reason: str) -> InboundRecord:
    """Mark a record processed without storing a new message (a duplicate, a bounce matched to its message…)."""
    updates = {"state": InboundRecord.PROCESSED, "message": message, "thread_reason": reason[:32]}
    InboundRecord.objects.filter(pk=record.pk).update(**updates)
    for name, value in updates.items():
        setattr(record, name, value)
    return record


def _earlier_copy(record: InboundRecord) -> InboundRecord | None:
    """The same message processed before: same external id or, without one, the same bytes."""
    earlier = InboundRecord.objects.filter(
        account_id=record.account_id, channel=record.channel, state=InboundRecord.PROCESSED
    ).exclude(pk=record.pk)
    if record.external_id:
        earlier = earlier.filter(external_id=record.external_id)
    else:
        earlier = earlier.filter(external_id="", raw_sha256=record.raw_sha256)
    return earlier.select_related("message").first()


def _lock_copies(record: InboundRecord) -> None:
    """Serialise deliveries of the same message (e.g. one mail fetched from two mailboxes at once)."""
    copies = InboundRecord.objects.filter(account_id=record.account_id, channel=record.channel)
    if record.external_id:
        copies = copies.filter(external_id=record.external_id)
    else:
        copies = copies.filter(external_id="", raw_sha256=record.raw_sha256)
    list(copies.select_for_update().order_by("id").values_list("id", flat=True))


def find_thread(inbound: InboundMessage, contact) -> tuple[Ticket | None, str]:
    """Which ticket this message continues, and why. References first, then the ticket code."""
    account = inbound.account
    refs = [r for r in inbound.references if r][:50]
    if refs:
        replied = (
            Message.objects.filter(account=account, external_id__in=refs)
            .select_related("ticket")
            .order_by("-id")
            .first()
        )
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
    """Dedupe, then thread and store. A failure quarantines the record (raw kept) and never raises."""
    if inbound.external_id and record.external_id != inbound.external_id[:255]:
        InboundRecord.objects.filter(pk=record.pk).update(external_id=inbound.external_id[:255])
        record.external_id = inbound.external_id[:255]
    try:
        message, reason, known, created = _deliver(inbound, record)
    except Exception as exc:
        log.exception("inbound %s quarantined", record.public_id)
        return IngestResult(
            record=quarantine(record, repr(exc)), message=None, duplicate=False, thread_reason="quarantined"
        )
    return IngestResult(record=record, message=message, duplicate=known, thread_reason=reason, new_ticket=created)


@transaction.atomic
def _deliver(inbound: InboundMessage, record: InboundRecord) -> tuple[Message | None, str, bool, bool]:
    """(message, reason, already known, ticket created)."""
    _lock_copies(record)
    earlier = _earlier_copy(record)
    if earlier is not None:
        finish(record, earlier.message, "duplicate")
        return earlier.message, "duplicate", True, False
    contact, _created = find_or_create_contact(
        account=inbound.account, kind=inbound.sender_kind, value=inbound.sender_value, name=inbound.sender_name
    )
    policy = inbound.policy or GENERIC_POLICY
    decision = policy.decide(inbound, contact)
    if decision.existing is not None:
        finish(record, decision.existing, decision.reason)
        return decision.existing, decision.reason, True, False
    ticket = follow_merges(decision.ticket)  # a reply to a merged ticket lands in the ticket it was merged into
    if ticket is None:
        ticket = conversations.create_ticket(
            account=inbound.account,
            contact=contact,
            subject=inbound.subject,
            channel=inbound.channel,
            brand=inbound.brand,
            department=inbound.department,
        )
    message = _store_message(inbound, ticket, contact, decision)
    if decision.status and ticket.status != decision.status:
        conversations.change_status(ticket=ticket, status=decision.status)
    policy.stored(inbound, message, decision)
    finish(record, message, decision.reason)
    policy.delivered(inbound, message, decision, new_ticket=decision.ticket is None)
    return message, decision.reason, False, decision.ticket is None


def _store_message(inbound: InboundMessage, ticket: Ticket, contact, decision: ThreadDecision) -> Message:
    meta = {**inbound.meta, **decision.meta, "thread_reason": decision.reason}
    text = inbound.text or ("" if inbound.html else "(empty message)")
    if decision.agent is not None:
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
        message = conversations.receive_message(
            ticket=ticket,
            contact=contact,
            kind=inbound.kind,
            text=text,
            html_body=inbound.html,
            external_id=inbound.external_id,
            meta=meta,
        )
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
