"""``parse_email(raw) -> ParsedEmail``: one raw RFC 5322 message in, a normalised, pure-data view out.

It never raises: every step has a fallback, and whatever was repaired or given up is listed in
``parse_errors``. Limits (see README.md in this package): the message is held in memory (the caller's bytes,
plus the parsed tree, about 2-3× the raw size at peak); each attachment's decoded bytes exist once, the encoded
copy in the tree being released as soon as it is decoded; at most ``walk.MAX_PARTS`` parts and
``walk.MAX_DEPTH`` levels are read; TNEF blobs above ``tnef.MAX_TNEF_BYTES`` stay packed. The size cap for a
whole message belongs to the channel that receives it (reject before parsing).
"""

from __future__ import annotations

import dataclasses
from email import policy
from email.feedparser import BytesFeedParser
from email.message import Message

from helpline.channels.email.parsing import headers, mime
from helpline.channels.email.parsing.bodies import html_text
from helpline.channels.email.parsing.model import ParsedAttachment, ParsedEmail
from helpline.channels.email.parsing.repair import repair_headers
from helpline.channels.email.parsing.walk import Walk

MAX_ERRORS = 50
FEED_CHUNK = 64 * 1024
FROM_FALLBACKS = ("sender", "reply-to", "return-path")


def _feed(chunks: list[bytes | memoryview], how: policy.Policy) -> Message:
    """Parse by feeding slices: BytesParser would first copy the whole message into a StringIO (4 bytes/char)."""
    parser = BytesFeedParser(policy=how)
    for chunk in chunks:
        for start in range(0, len(chunk), FEED_CHUNK):
            parser.feed(bytes(chunk[start : start + FEED_CHUNK]))
    return parser.close()


def _load(raw: bytes, errors: list[str]) -> Message | None:
    chunks: list[bytes | memoryview] = [memoryview(raw)]
    try:
        repaired = repair_headers(raw)
    except Exception:
        repaired = None
    if repaired is not None:
        head, end, notes = repaired
        chunks = [head, memoryview(raw)[end:]]
        errors.extend(notes)
    # compat32 first: every field is read from the raw headers here, so the modern policy's header objects
    # (built each time the parser asks a part for its type) only cost time (a third of the parse) and, on a
    # boundary with characters that header grammar rejects, lose the multipart.
    for how in (policy.compat32, policy.default):
        try:
            return _feed(chunks, how)
        except Exception as exc:
            errors.append(f"parser ({how.__class__.__name__}) failed: {type(exc).__name__}")
    return None


def _charset_hint(msg: Message) -> str | None:
    """The first declared body charset: old mailers wrote raw 8-bit headers in it."""
    for index, part in enumerate(msg.walk()):
        if index >= 20:
            break
        charset = mime.param(part, "charset")
        if charset:
            return charset
    return None


def _header_fields(msg: Message, errors: list[str]) -> dict:
    hint = _charset_hint(msg)
    senders = headers.addresses(msg, "from", errors, hint)
    if not any(addr for _name, addr in senders):
        for fallback in FROM_FALLBACKS:
            candidates = [pair for pair in headers.addresses(msg, fallback, errors, hint) if pair[1]]
            if candidates:
                errors.append(f"From {'unusable' if senders else 'missing'}: sender taken from {fallback.title()}")
                senders = candidates
                break
    from_name, from_address = senders[0] if senders else ("", "")
    first = headers.raw_header

    def flat(name: str) -> str:
        return headers.collapse(headers.decode_words(first(msg, name), errors, name, hint))

    return {
        "message_id": headers.message_id(first(msg, "message-id")),
        "in_reply_to": headers.message_ids(" ".join(headers.raw_headers(msg, "in-reply-to"))),
        "references": headers.message_ids(" ".join(headers.raw_headers(msg, "references"))),
        "subject": flat("subject"),
        "from_address": from_address,
        "from_name": from_name,
        "reply_to": headers.addresses(msg, "reply-to", errors, hint),
        "to": headers.addresses(msg, "to", errors, hint),
        "cc": headers.addresses(msg, "cc", errors, hint),
        "date": headers.date(msg, errors),
        "auto_submitted": flat("auto-submitted"),
        "precedence": flat("precedence"),
        "x_autoreply": flat("x-autoreply") or flat("x-autorespond") or flat("x-auto-reply"),
        "x_auto_response_suppress": flat("x-auto-response-suppress"),
        "list_id": flat("list-id"),
        "return_path": flat("return-path"),
        "reply_tokens": headers.raw_headers(msg, "x-helpline-reply-token"),
    }


def _inline(attachment: ParsedAttachment, html: str) -> ParsedAttachment:
    """Inline only when the HTML body really shows it (cid: reference); otherwise list it as a file."""
    shown = attachment.inline and f"cid:{attachment.content_id}".lower() in html.lower()
    return attachment if shown == attachment.inline else dataclasses.replace(attachment, inline=shown)


def _body_fields(msg: Message, errors: list[str]) -> dict:
    walk = Walk(errors=errors)
    walk.visit(msg)
    text, html = walk.body()
    html = (html or "").replace("\x00", "")
    if text is None or (not text.strip() and html.strip()):
        text = html_text(html)
    text = text.replace("\x00", "").lstrip("\n").rstrip()
    if not text and not html.strip():
        errors.append("no text or HTML body")
    bounce = walk.bounce
    status, action = bounce.status_and_action if bounce else ("", "")
    return {
        "text": text,
        "html": html,
        "attachments": [_inline(a, html) for a in walk.attachments],
        "is_bounce": bounce is not None,
        "bounced_message_id": bounce.message_id if bounce else "",
        "bounce_recipients": list(bounce.recipients) if bounce else [],
        "bounce_status": status,
        "bounce_action": action,
        "is_calendar": walk.is_calendar,
        "is_signed": walk.is_signed,
    }


def _dedupe(errors: list[str]) -> list[str]:
    seen: set[str] = set()
    out = [e for e in errors if not (e in seen or seen.add(e))]
    return out[:MAX_ERRORS] + ([f"… {len(out) - MAX_ERRORS} more"] if len(out) > MAX_ERRORS else [])


def parse_email(raw: bytes) -> ParsedEmail:
    errors: list[str] = []
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if not isinstance(raw, bytes | bytearray | memoryview) or not bytes(raw[:65536]).strip():
        return ParsedEmail(parse_errors=["empty message"])
    msg = _load(bytes(raw) if not isinstance(raw, bytes) else raw, errors)
    if msg is None:
        return ParsedEmail(parse_errors=_dedupe(errors))
    fields: dict = {}
    for step in (_header_fields, _body_fields):
        try:
            fields.update(step(msg, errors))
        except Exception as exc:  # a bug or a case nobody foresaw: keep what the other step found
            errors.append(f"{step.__name__.strip('_')} failed: {type(exc).__name__}: {str(exc)[:200]}")
    for key in ("subject", "from_name"):
        if key in fields:
            fields[key] = fields[key].replace("\x00", "")
    return ParsedEmail(**fields, parse_errors=_dedupe(errors))
