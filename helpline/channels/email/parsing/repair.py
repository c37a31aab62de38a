"""Repairs of the top-level header block that Python's parser cannot do by itself.

A stray non-header line in the middle of the headers ("quite Delivered-To: …") ends the header block for
the parser, and everything after it, From and Subject included, becomes body. Obsolete RFC 822 syntax puts
spaces before the colon ("Subject  : hello"), which the parser does not accept either. ``repair_headers``
rewrites the header block: obsolete names are fixed, a stray line *between* headers is joined to the header
before it as a continuation (a wrongly folded address list stays whole), and stray lines after the last header
start the body. No byte is dropped; the raw source is stored untouched by the caller anyway.
"""

from __future__ import annotations

import re

_HEADER = re.compile(rb"[!-9;-~]+:")
_OBSOLETE = re.compile(rb"([!-9;-~]+)[ \t]+:")
_BLANK = re.compile(rb"\r?\n\r?\n")
MAX_HEADER_BYTES = 256 * 1024


def repair_headers(raw: bytes) -> tuple[bytes, int, list[str]] | None:
    """(new header block, where the old one ended in ``raw``, a note per change), or None when it was fine.

    The message to parse is the new block followed by ``raw[end:]`` (the caller feeds both, no copy).
    """
    blank = _BLANK.search(raw, 0, MAX_HEADER_BYTES)
    head_end = blank.start() if blank else min(len(raw), MAX_HEADER_BYTES)
    lines = raw[:head_end].splitlines(keepends=True)
    kinds = []
    for index, line in enumerate(lines):
        if _HEADER.match(line) or (line[:1] in (b" ", b"\t") and index > 0):
            kinds.append("header")
        elif _OBSOLETE.match(line):
            kinds.append("obsolete")
        elif index == 0 and line.startswith(b"From "):
            kinds.append("envelope")
        else:
            kinds.append("stray")
    headers_at = [i for i, kind in enumerate(kinds) if kind in ("header", "obsolete")]
    if not headers_at or "stray" not in kinds[: headers_at[-1]] and "obsolete" not in kinds:
        return None
    last_header, out, notes = headers_at[-1], [], []
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if index > last_header:
            out.append(b"\r\n" if index == last_header + 1 else b"")
            out.extend(lines[index:])
            break
        if kind == "obsolete":
            match = _OBSOLETE.match(line)
            out.append(match.group(1) + b":" + line[match.end() :])
            notes.append(f"header name with spaces before the colon fixed: {match.group(1).decode('ascii')}")
        elif kind == "stray":
            out.append(b" " + line)
            notes.append(f"stray line joined to the header above it: {line[:60].decode('latin-1').strip()!r}")
        else:
            out.append(line)
    return b"".join(out), head_end, notes
