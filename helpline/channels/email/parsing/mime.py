"""Safe accessors for one MIME part: type, parameters, filename, payload. Each falls back instead of raising."""

from __future__ import annotations

import binascii
import contextlib
import re
from email.message import Message
from urllib.parse import unquote_to_bytes

from helpline.channels.email.parsing.charsets import decode_bytes, repair_surrogates
from helpline.channels.email.parsing.headers import collapse, decode_words, raw_header

_TYPE = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
_RFC2231_KEY = re.compile(r"([^*]+)(?:\*(\d+))?(\*)?")
_UU_ENCODINGS = {"x-uuencode", "uuencode", "uue", "x-uue"}
MAX_HEADER_CHARS = 16384
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_PATH = re.compile(r"[/\\]")


def content_type(part: Message) -> str:
    """The declared type, lower-cased; text/plain when absent or unreadable (RFC 2045 default)."""
    match = _TYPE.match(raw_header(part, "content-type"))
    if match:
        return f"{match.group(1)}/{match.group(2)}".lower()
    if raw_header(part, "content-type").strip():
        try:
            return part.get_content_type()
        except Exception:
            return "text/plain"
    try:
        return part.get_default_type()
    except Exception:
        return "text/plain"


def _split_params(value: str) -> list[str]:
    """Split "a; b="x;y"; c" on semicolons outside quoted strings (linear scan)."""
    pieces, current, quoted, escaped = [], [], False, False
    for char in value[:MAX_HEADER_CHARS]:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def params(part: Message, header: str = "content-type") -> dict[str, str]:
    """Parameters of a structured header, RFC 2231 (charset, continuations) decoded with charset fallbacks."""
    plain: dict[str, str] = {}
    extended: dict[str, list[tuple[int, bool, str]]] = {}
    for piece in _split_params(raw_header(part, header))[1:]:
        key, sep, value = piece.partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        match = _RFC2231_KEY.fullmatch(key)
        if match and (match.group(2) or match.group(3)):
            index = int(match.group(2) or 0)
            extended.setdefault(match.group(1), []).append((index, bool(match.group(3)), _unquote(value)))
        else:
            plain.setdefault(key, _unquote(value))
    for key, segments in extended.items():
        charset, raw = "", bytearray()
        for index, encoded, value in sorted(segments):
            if encoded and index == 0 and value.count("'") >= 2:
                charset, _language, value = value.split("'", 2)
            data = value.encode("utf-8", "surrogateescape")
            raw += unquote_to_bytes(data) if encoded else data
        plain[key] = decode_bytes(bytes(raw), charset or "utf-8")[0]
    return {key: repair_surrogates(value)[0] for key, value in plain.items()}


def param(part: Message, name: str, header: str = "content-type") -> str:
    return params(part, header).get(name.lower(), "")


def disposition(part: Message) -> str:
    value = raw_header(part, "content-disposition").split(";", 1)[0].strip().lower()
    return value if value in ("inline", "attachment") else ""


def filename(part: Message, errors: list[str]) -> str:
    """Filename from Content-Disposition or else the Content-Type name (RFC 2231 and RFC 2047), made safe."""
    name = param(part, "filename", "content-disposition") or param(part, "name")
    return safe_name(decode_words(name, errors, "filename")) if name else ""


def safe_name(name: str) -> str:
    """A file name without directories or control characters: "C:\\Users\\me\\a.pdf" → "a.pdf"."""
    name = _PATH.split(name)[-1]
    return collapse(_CONTROL.sub(" ", name)).strip(". ")[:255]


def content_id(part: Message) -> str:
    value = collapse(raw_header(part, "content-id"))
    return value.strip("<> ")


def charset(part: Message) -> str:
    return param(part, "charset")


def transfer_encoding(part: Message) -> str:
    return raw_header(part, "content-transfer-encoding").strip().lower()


def payload_bytes(part: Message, errors: list[str]) -> bytes:
    """The part's body with its Content-Transfer-Encoding undone (base64, QP, uuencode; raw otherwise)."""
    encoding = transfer_encoding(part)
    raw = part.get_payload() if not part.is_multipart() else None
    if isinstance(raw, str) and encoding in _UU_ENCODINGS:
        return uudecode(raw)
    if isinstance(raw, str) and encoding == "base64":
        try:  # straight from the str, without the ascii copy + line list + join of get_payload(decode=True)
            return binascii.a2b_base64(raw)
        except (binascii.Error, ValueError):
            pass  # bad padding or 8-bit junk: the lenient decoder below copes
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        errors.append(f"{content_type(part)}: transfer encoding not decoded ({type(exc).__name__})")
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload() if not part.is_multipart() else ""
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def uudecode(text: str) -> bytes:
    """uuencoded lines → bytes; tolerates a missing "begin" line and over-long lines (as some mailers write)."""
    out = bytearray()
    for line in text.splitlines():
        if not line.strip() or line.startswith("begin "):
            continue
        if line.strip() == "end":
            break
        data = line.encode("latin-1", "replace")
        try:
            out += binascii.a2b_uu(data)
        except binascii.Error:
            try:
                out += binascii.a2b_uu(data[: (((data[0] - 32) & 63) * 4 + 5) // 3])
            except binascii.Error:
                continue
    return bytes(out)


def release_payload(part: Message) -> None:
    """Drop the encoded copy of a part once its decoded bytes are taken, to hold each attachment only once."""
    with contextlib.suppress(Exception):  # freeing memory is best effort
        part.set_payload("")
