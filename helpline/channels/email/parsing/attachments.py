"""Turning non-body MIME parts into ParsedAttachment: names, types, forwarded messages."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

from helpline.channels.email.parsing import mime
from helpline.channels.email.parsing.headers import collapse, decode_words, raw_header
from helpline.channels.email.parsing.model import ParsedAttachment

FORWARD_FALLBACK_NAME = "Mail.eml"  # a forwarded mail without a subject (Zammad's name, kept for parity)
DELIVERY_REPORT_NAME = "Delivery report.txt"
HEADERS_REPORT_NAME = "Original headers.txt"
DEFAULT_NAMES = {
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
    "application/pgp-signature": "signature.asc",
    "application/pgp-encrypted": "encrypted.asc",
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
}
MAX_HEADER_BYTES = 256 * 1024
_SERIALISE = policy.default.clone(refold_source="none", max_line_length=0, linesep="\r\n")


def default_name(content_type: str) -> str:
    if content_type in DEFAULT_NAMES:
        return DEFAULT_NAMES[content_type]
    main = content_type.split("/", 1)[0]
    base = main if main in ("image", "audio", "video") else "attachment"
    return base + (mimetypes.guess_extension(content_type, strict=False) or "")


def from_part(part: Message, errors: list[str], *, content_type: str = "", name: str = "") -> ParsedAttachment:
    """An attachment from a leaf part; its decoded bytes are held once (the encoded copy is released)."""
    ctype = content_type or mime.content_type(part)
    content = mime.payload_bytes(part, errors)
    mime.release_payload(part)
    return ParsedAttachment(
        name=name or mime.filename(part, errors) or default_name(ctype),
        content_type=ctype,
        content=content,
        content_id=mime.content_id(part),
        inline=bool(mime.content_id(part)),  # confirmed once the HTML body is known (cid: reference)
    )


def serialise(message: Message, errors: list[str]) -> bytes:
    """An embedded message back to bytes (its headers as written, CRLF line ends)."""
    for how in (_SERIALISE, policy.compat32):
        try:
            return message.as_bytes(policy=how)
        except Exception:  # noqa: S112 - try the more lenient generator next
            continue
    errors.append("message/rfc822: embedded message could not be re-serialised")
    return b""


def forwarded(part: Message, errors: list[str]) -> ParsedAttachment:
    """A message/rfc822 part: kept whole as "<subject>.eml", never merged into the body."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    content = serialise(inner, errors) if isinstance(inner, Message) else mime.payload_bytes(part, errors)
    if mime.transfer_encoding(part) == "base64" and content:
        try:  # a forward sent base64-encoded: the parser read the base64 text as the inner body
            content = base64.b64decode(b"".join(content.split(b"\r\n\r\n", 1)[-1].split()), validate=False)
            inner = None
        except (binascii.Error, ValueError):
            errors.append("message/rfc822: base64 body not decoded")
    if not isinstance(inner, Message):
        inner = BytesHeaderParser(policy=policy.compat32).parsebytes(content[:MAX_HEADER_BYTES])
    subject = collapse(decode_words(raw_header(inner, "subject"), errors, "forwarded subject"))
    name = mime.safe_name(subject.replace("/", "-").replace("\\", "-"))[:200] if subject else ""
    name = f"{name}.eml" if name else mime.filename(part, errors) or FORWARD_FALLBACK_NAME
    return ParsedAttachment(name=name, content_type="message/rfc822", content=content)
