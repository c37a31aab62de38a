"""Header values: raw access, RFC 2047 words, addresses, message ids and dates. Nothing here raises."""

from __future__ import annotations

import base64
import binascii
import inspect
import quopri
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from helpline.channels.email.parsing.charsets import decode_bytes, repair_surrogates

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$")
_WHITESPACE = re.compile(r"\s+")
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,40})\?([bBqQ])\?([^?\r\n]*?)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(?==\?[^?\s]{1,40}\?[bBqQ]\?)")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_MSG_ID = re.compile(r"<([^<>\s]{1,500})>")
_BARE_ID = re.compile(r"[^<>\s@,;\"()]{1,250}@[^<>\s@,;\"()]{1,250}")
_ADDR_SPEC = re.compile(r'(?:"[^"\r\n]*"|[^\s"<>@,;:()\[\]]+)@[^\s"<>@,;:()]+')
_ADDR_TOKEN = re.compile(r'[^\s"<>@,;:()\[\]]+@[^\s"<>@,;:()\[\]]+')
_COMMENT = re.compile(r"\([^()]*\)")
_RECEIVED_DATE = re.compile(r";\s*([^;]+)$")
_STRICT = {"strict": False} if "strict" in inspect.signature(getaddresses).parameters else {}

Address = tuple[str, str]


def raw_header(part: Message, name: str) -> str:
    """The first occurrence of a header as written (folding removed), without any parsing."""
    values = raw_headers(part, name)
    return values[0] if values else ""


def raw_headers(part: Message, name: str) -> list[str]:
    name = name.lower()
    try:
        items = part.raw_items()
    except Exception:  # a compat32 message or a broken tree: fall back to the mapping API
        items = list(getattr(part, "_headers", []))
    out = []
    for key, value in items:
        if str(key).lower() == name:
            out.append(_FOLD.sub("", str(value)).strip())
    return out


def _decode_word(charset: str, encoding: str, payload: str) -> tuple[str, str]:
    data = payload.encode("ascii", "replace")
    if encoding in "bB":
        data = _NOT_BASE64.sub(b"", data)
        data = data[: len(data) // 4 * 4] if len(data) % 4 == 1 else data + b"=" * (-len(data) % 4)
        try:
            raw = base64.b64decode(data)
        except (binascii.Error, ValueError):
            return payload, "undecodable encoded word"
    else:
        raw = quopri.decodestring(data, header=True)
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix: =?utf-8*en?q?…?=
    return decode_bytes(raw, charset)


def decode_words(value: str, errors: list[str] | None = None, what: str = "header", hint: str | None = None) -> str:
    """RFC 2047 encoded words → text; raw 8-bit bytes (kept as surrogates by the parser) → text."""
    if not value:
        return ""
    value, repaired = repair_surrogates(value, hint)
    if repaired and errors is not None:
        errors.append(f"{what}: raw 8-bit bytes in header decoded")
    if "=?" not in value:
        return value
    value = _BETWEEN_WORDS.sub(r"\1", value)
    notes: list[str] = []

    def replace(match: re.Match) -> str:
        text, note = _decode_word(match.group(1), match.group(2), match.group(3))
        if note:
            notes.append(note)
        return text

    decoded = _ENCODED_WORD.sub(replace, value)
    if notes and errors is not None:
        errors.append(f"{what}: {notes[0]}")
    return decoded


def collapse(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def _clean_address(name: str, addr: str, raw: str) -> Address:
    """Lower-cased address and display name; a bare "Name addr@host" (no brackets) is split into the two.

    An address written inside angle brackets is kept as written even when invalid ("<a b@host>"): guessing
    "b@host" could pin the message on somebody else.
    """
    addr = addr.strip()
    if "@" not in addr and "@" in name:  # "Name (addr@host)" read the other way round
        name, addr = addr, name
    if addr and not _ADDR_SPEC.fullmatch(addr) and f"<{addr}>" not in raw:
        tokens = _ADDR_TOKEN.findall(addr) or _ADDR_TOKEN.findall(name)
        if tokens:
            rest = collapse(addr.replace(tokens[0], " ").strip(" <>"))
            name = name or rest
            addr = tokens[0]
    name = collapse(name).strip("\"'").strip()
    if name.lower() == addr.lower():
        name = ""
    return name, addr.lower()


def _prepare(value: str, hint: str | None) -> str:
    """Readable for getaddresses: "a@x b@y" (a list without commas) gets its commas."""
    value = repair_surrogates(value, hint)[0]
    if not any(c in value for c in '<>",') and len(_ADDR_TOKEN.findall(value)) > 1:
        value = ", ".join(value.split())
    return value


def _drop_comment(name: str, raw: str) -> str:
    """ "MAILER-DAEMON (Mail Delivery System)" → "MAILER-DAEMON" when the parentheses were a comment."""
    bare = _COMMENT.sub(" ", name).strip()
    return collapse(bare) if bare and f'"{name}"' not in raw else name


def addresses(part: Message, header: str, errors: list[str] | None = None, hint: str | None = None) -> list[Address]:
    values = raw_headers(part, header)
    if not values:
        return []
    try:
        pairs = getaddresses([_prepare(v, hint) for v in values], **_STRICT)
    except Exception:
        pairs = [("", token) for v in values for token in _ADDR_TOKEN.findall(v)]
        if errors is not None:
            errors.append(f"{header}: unparsable address list, addresses picked out by pattern")
    out: list[Address] = []
    for name, addr in pairs:
        raw = " ".join(values)
        name = _drop_comment(name, raw) if "(" in name else name
        name, addr = _clean_address(decode_words(name, errors, header, hint), addr, raw)
        if addr or name:
            out.append((name, addr))
    return out


def message_ids(value: str) -> list[str]:
    """Every message id in a Message-ID / In-Reply-To / References value, "<…>"-wrapped, in order, deduped."""
    found = [f"<{m}>" for m in _MSG_ID.findall(value or "")]
    if not found:
        found = [f"<{m}>" for m in _BARE_ID.findall(value or "")]
    seen: set[str] = set()
    return [i for i in found if not (i in seen or seen.add(i))]


def message_id(value: str) -> str:
    ids = message_ids(value)
    return ids[0] if ids else ""


def _to_datetime(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def date(part: Message, errors: list[str]) -> datetime | None:
    value = raw_header(part, "date")
    parsed = _to_datetime(value) if value else None
    if parsed is not None:
        return parsed
    for received in raw_headers(part, "received")[:1]:
        match = _RECEIVED_DATE.search(received)
        fallback = _to_datetime(match.group(1)) if match else None
        if fallback is not None:
            errors.append(f"Date {'invalid: ' + repr(value[:80]) if value else 'missing'}; taken from Received")
            return fallback
    if value:
        errors.append(f"Date invalid: {value[:80]!r}")
    return None
