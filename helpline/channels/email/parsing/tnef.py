"""Outlook's TNEF (winmail.dat): unpack the files and the body inside it with ``tnefparse``.

When the package is missing, the data is not TNEF, or it is larger than MAX_TNEF_BYTES, the caller keeps
winmail.dat as an ordinary attachment and a parse error says why. An RTF-only body (compressed RTF) is not
converted: winmail.dat is then kept as well, so nothing the sender wrote is lost.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field

from helpline.channels.email.parsing.charsets import decode_bytes
from helpline.channels.email.parsing.mime import safe_name
from helpline.channels.email.parsing.model import ParsedAttachment

try:  # an optional dependency in principle, pinned in pyproject.toml
    from tnefparse import TNEF
except ImportError:  # pragma: no cover - exercised only without the package
    TNEF = None

MAX_TNEF_BYTES = 50 * 1024 * 1024  # tnefparse slices its input per object: keep its copying bounded
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
logging.getLogger("tnefparse").setLevel(logging.ERROR)


@dataclass
class TnefContent:
    attachments: list[ParsedAttachment] = field(default_factory=list)
    text: str = ""
    html: str = ""
    keep_original: bool = False  # the body could not be rendered (RTF only): keep winmail.dat too


def is_tnef(content_type: str, name: str) -> bool:
    return content_type in TNEF_TYPES or name.lower() == "winmail.dat"


def _text(value: object, codepage: str | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value.replace("\x00", ""), ""
    if isinstance(value, bytes | bytearray):
        return decode_bytes(bytes(value).rstrip(b"\x00"), codepage)
    return str(value), ""


def _name(attachment: object, codepage: str | None) -> str:
    for getter in ("long_filename", "name"):
        try:
            value = getattr(attachment, getter)
            value = value() if callable(value) else value
        except Exception:  # noqa: S112 - a broken name property: try the next one
            continue
        text, _note = _text(value, codepage)
        if text.strip():
            return safe_name(text)
    return ""


def expand(data: bytes, errors: list[str]) -> TnefContent | None:
    """The files and body inside a TNEF blob, or None when it cannot be unpacked (see the module doc)."""
    if TNEF is None:
        errors.append("winmail.dat kept as is: the tnefparse package is not installed")
        return None
    if len(data) > MAX_TNEF_BYTES:
        errors.append(f"winmail.dat kept as is: larger than {MAX_TNEF_BYTES} bytes")
        return None
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:
        errors.append(f"winmail.dat kept as is: not readable as TNEF ({type(exc).__name__})")
        return None
    codepage = getattr(tnef, "codepage", None)
    out = TnefContent()
    for index, item in enumerate(getattr(tnef, "attachments", []), start=1):
        content = getattr(item, "data", b"")
        if not isinstance(content, bytes | bytearray):
            continue
        name = _name(item, codepage) or f"attachment-{index}"
        ctype = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        out.attachments.append(ParsedAttachment(name=name, content_type=ctype, content=bytes(content)))
    out.text, note = _text(getattr(tnef, "body", None), codepage)
    out.html, note_html = _text(getattr(tnef, "htmlbody", None), codepage)
    if note or note_html:
        errors.append(f"winmail.dat body: {note or note_html}")
    if not (out.text.strip() or out.html.strip()) and getattr(tnef, "_rtfbody", None):
        errors.append("winmail.dat body is compressed RTF only: not converted, winmail.dat kept")
        out.keep_original = True
    return out
