"""Delivery status notifications (RFC 3464): who bounced, why, and which of our messages it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

from helpline.channels.email.parsing import mime
from helpline.channels.email.parsing.headers import collapse, message_id, raw_header

_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
REPORT_TYPES = {"message/delivery-status", "message/global-delivery-status"}
ORIGINAL_TYPES = {"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"}


@dataclass
class Bounce:
    recipients: list[str] = field(default_factory=list)
    statuses: list[tuple[str, str]] = field(default_factory=list)  # (status, action) per recipient
    message_id: str = ""

    @property
    def status_and_action(self) -> tuple[str, str]:
        for status, action in self.statuses:
            if status.startswith("5"):
                return status, action
        return self.statuses[0] if self.statuses else ("", "")


def is_delivery_report(part: Message) -> bool:
    return mime.content_type(part) == "multipart/report" and (
        mime.param(part, "report-type").lower() == "delivery-status"
        or any(mime.content_type(p) in REPORT_TYPES for p in _children(part))
    )


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _field_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field groups of a message/delivery-status part."""
    blocks = _children(part)
    if blocks:
        return blocks
    data = mime.payload_bytes(part, [])  # not split by the parser (e.g. base64-encoded): split it here
    parser = BytesHeaderParser(policy=policy.compat32)
    return [parser.parsebytes(chunk.strip() + b"\n") for chunk in re.split(rb"\r?\n\s*\r?\n", data) if chunk.strip()]


def read_status(part: Message, bounce: Bounce) -> None:
    for block in _field_blocks(part):
        recipient = raw_header(block, "final-recipient") or raw_header(block, "original-recipient")
        if not recipient:
            continue
        address = collapse(recipient.split(";", 1)[-1]).strip("<>").lower()
        status_match = _STATUS.search(raw_header(block, "status"))
        status = status_match.group(0) if status_match else ""
        if address and address not in bounce.recipients:
            bounce.recipients.append(address)
        bounce.statuses.append((status, collapse(raw_header(block, "action")).lower()))


def status_bytes(part: Message) -> bytes:
    """A message/delivery-status part as text, for the "Delivery report.txt" attachment."""
    blocks = _children(part)
    if not blocks:
        return mime.payload_bytes(part, [])
    chunks = []
    for block in blocks:  # the fields as written, folding kept, and any free text the MTA put in between
        lines = [f"{name}: {str(value).replace(chr(13), '')}" for name, value in block.raw_items()]
        text = block.get_payload() if not block.is_multipart() else ""
        if isinstance(text, str) and text.strip():
            lines.append(text.replace("\r\n", "\n").strip("\n"))
        chunks.append("\n".join(lines))
    return ("\n\n".join(chunks) + "\n").encode("utf-8", "surrogateescape")


def read_original(part: Message, bounce: Bounce) -> None:
    """The Message-ID of the returned message (a message/rfc822 or text/rfc822-headers part)."""
    if bounce.message_id:
        return
    children = _children(part)
    if children:
        bounce.message_id = message_id(raw_header(children[0], "message-id"))
        return
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(mime.payload_bytes(part, []))
    bounce.message_id = message_id(raw_header(headers, "message-id"))
