"""THE inbound pipeline: raw source stored → dedupe → contact → thread → conversations.receive_message.

Channel adapters turn what they receive into an ``InboundMessage`` and call ``ingest``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import transaction

from helpline.conversations import actions as conversations
from helpline.conversations.models import Message, Ticket
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


@dataclass(frozen=True)
class IngestResult:
    record: InboundRecord
    message: Message | None
    duplicate: bool
    thread_reason: str


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


def quarantine(record: InboundRecord, reason: str) -> InboundRecord:
    InboundRecord.objects.filter(pk=record.pk).update(state=InboundRecord.QUARANTINED, error=reason[:2000])
    record.refresh_from_db()
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
    earlier = _earlier_copy(record)
    if earlier is not None:
        InboundRecord.objects.filter(pk=record.pk).update(
            state=InboundRecord.PROCESSED, message=earlier.message, thread_reason="duplicate"
        )
        return IngestResult(record=record, message=earlier.message, duplicate=True, thread_reason="duplicate")
    try:
        message, reason = _deliver(inbound, record)
    except Exception as exc:
        log.exception("inbound %s quarantined", record.public_id)
        return IngestResult(
            record=quarantine(record, repr(exc)), message=None, duplicate=False, thread_reason="quarantined"
        )
    record.refresh_from_db()
    return IngestResult(record=record, message=message, duplicate=False, thread_reason=reason)


@transaction.atomic
def _deliver(inbound: InboundMessage, record: InboundRecord) -> tuple[Message, str]:
    contact, _created = find_or_create_contact(
        account=inbound.account, kind=inbound.sender_kind, value=inbound.sender_value, name=inbound.sender_name
    )
    ticket, reason = find_thread(inbound, contact)
    if ticket is None:
        ticket = conversations.create_ticket(
            account=inbound.account, contact=contact, subject=inbound.subject, channel=inbound.channel
        )
    message = conversations.receive_message(
        ticket=ticket,
        contact=contact,
        kind=inbound.kind,
        text=inbound.text or ("" if inbound.html else "(empty message)"),
        html_body=inbound.html,
        external_id=inbound.external_id,
        meta=inbound.meta,
    )
    for attachment in inbound.attachments:
        conversations.store_attachment(
            message=message, name=attachment.name, content=attachment.content, content_type=attachment.content_type
        )
    InboundRecord.objects.filter(pk=record.pk).update(
        state=InboundRecord.PROCESSED, message=message, thread_reason=reason
    )
    return message, reason
