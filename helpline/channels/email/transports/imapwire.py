"""The parts of IMAP that imaplib does not stream: a UID FETCH read one message at a time, UID sets, folder names.

imaplib collects a whole FETCH response (every message of a batch) before it returns. ``uid_fetch`` sends the
command with imaplib's public ``send`` and reads the answer with its public ``readline``/``read``, yielding
each message as soon as its literal is complete, so a batch of a hundred 20 MB messages never holds more than
one of them in memory. The response is always read to its tagged end (drained when the caller stops early),
so the imaplib connection stays usable for the next command.
"""

from __future__ import annotations

import base64
import imaplib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

LITERAL = re.compile(rb"\{(\d+)\}\r\n\Z")
FETCH = re.compile(rb"\* \d+ FETCH \(", re.IGNORECASE)
UID = re.compile(rb"[( ]UID (\d+)", re.IGNORECASE)
BODY_LITERAL = re.compile(rb"BODY\[\] \{\d+\}\r\n\Z", re.IGNORECASE)
_tags = itertools.count(1)


@dataclass
class Fetched:
    uid: int
    body: bytes | None  # None when BODY[] was not asked for or the server had none (NIL)


class ServerRefused(imaplib.IMAP4.error):
    """The tagged answer was NO or BAD; the text says why."""


def _read_response(conn: imaplib.IMAP4) -> tuple[list[bytes], list[bytes]]:
    """One server response: its text lines and the literals between them."""
    segments, literals = [conn.readline()], []
    while match := LITERAL.search(segments[-1]):
        literals.append(conn.read(int(match.group(1))))
        segments.append(conn.readline())
    return segments, literals


def _parse(segments: list[bytes], literals: list[bytes]) -> Fetched | None:
    uid = None
    for segment in segments:
        match = UID.search(segment)
        if match:
            uid = int(match.group(1))
            break
    if uid is None:
        return None  # an unsolicited flag update, not one of ours
    body = None
    for index, literal in enumerate(literals):
        if BODY_LITERAL.search(segments[index]):
            body = literal
            break
    return Fetched(uid=uid, body=body)


def uid_fetch(conn: imaplib.IMAP4, uid_set: str, items: str) -> Iterator[Fetched]:
    """``UID FETCH uid_set (items)``, yielding each answered message as it arrives."""
    tag = b"HLF%d" % next(_tags)
    conn.send(b"%s UID FETCH %s (%s)\r\n" % (tag, uid_set.encode(), items.encode()))
    finished = False
    try:
        while True:
            segments, literals = _read_response(conn)
            first = segments[0]
            if first.startswith(tag + b" "):
                finished = True
                status = first[len(tag) + 1 :].strip()
                if not status.upper().startswith(b"OK"):
                    raise ServerRefused(status.decode(errors="replace"))
                return
            if first.upper().startswith(b"* BYE"):
                finished = True
                raise imaplib.IMAP4.abort(first.decode(errors="replace").strip())
            item = _parse(segments, literals) if FETCH.match(first) else None
            del segments, literals  # hold one message at a time, not two
            if item is not None:
                yield item
            item = None
    finally:
        if not finished:
            _drain(conn, tag)


def _drain(conn: imaplib.IMAP4, tag: bytes) -> None:
    try:
        while not _read_response(conn)[0][0].startswith(tag + b" "):
            pass
    except (imaplib.IMAP4.error, OSError):
        pass  # the connection is gone; the session notices on its next command


def uid_set(uids: Iterable[int]) -> str:
    """Compact UID set: [1, 2, 3, 7, 9, 10] → "1:3,7,9:10"."""
    ranges: list[list[int]] = []
    for uid in sorted(set(uids)):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in ranges)


def folder_name(name: str) -> str:
    """A folder name as an IMAP quoted string, non-ASCII in modified UTF-7 (RFC 3501 section 5.1.3)."""
    out: list[str] = []
    pending: list[str] = []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=").replace(b"/", b",")
            out.append("&" + encoded.decode() + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    text = "".join(out)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
