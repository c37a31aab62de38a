"""Raw email → ticket. Every path in (IMAP, POP3, the SMTP receiver, the MTA pipe) calls ``receive_email``."""

from __future__ import annotations

from helpline.channels.email.parsing import ParsedEmail, parse_email
from helpline.ingest.pipeline import InboundAttachment, InboundMessage, IngestResult, deliver, store_raw


def receive_email(*, account, raw: bytes, mailbox=None, envelope_recipients: tuple[str, ...] = ()) -> IngestResult:
    """Store the raw bytes (fsynced, committed), parse them, then thread and deliver. Never raises on bad mail."""
    record = store_raw(account=account, channel="email", raw=raw, source=mailbox.public_id if mailbox else "")
    parsed = parse_email(raw)
    return deliver(record, to_inbound(account, parsed, raw, mailbox=mailbox, envelope=envelope_recipients))


def to_inbound(account, parsed: ParsedEmail, raw: bytes, *, mailbox=None, envelope=()) -> InboundMessage:
    return InboundMessage(
        account=account,
        channel="email",
        kind="email",
        sender_kind="email",
        sender_value=parsed.from_address or "unknown-sender@invalid",
        sender_name=parsed.from_name,
        subject=parsed.subject,
        text=parsed.text,
        html=parsed.html,
        external_id=parsed.message_id,
        references=parsed.thread_references,
        raw=raw,
        attachments=[InboundAttachment(a.name, a.content_type, a.content) for a in parsed.attachments],
        meta={
            "to": [addr for _name, addr in parsed.to],
            "cc": [addr for _name, addr in parsed.cc],
            "mailbox": mailbox.public_id if mailbox else "",
            "envelope_to": list(envelope),
            "parse_errors": parsed.parse_errors,
        },
    )
