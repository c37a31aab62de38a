"""Test mail from the shared corpora (read-only), made unique where a test or the benchmark needs it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[6] / "shared" / "corpora" / "mail"  # ../shared beside the checkout
MESSAGE_ID = re.compile(rb"^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)


def load(relative: str) -> bytes:
    """A corpus message as bytes; an mbox ``From `` separator line is dropped."""
    raw = (CORPORA / relative).read_bytes()
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1]
    return raw


def all_messages() -> list[tuple[str, bytes]]:
    paths = sorted(p for p in CORPORA.rglob("*") if p.suffix in {".eml", ".box"} and p.is_file())
    return [(str(p.relative_to(CORPORA)), load(str(p.relative_to(CORPORA)))) for p in paths]


def with_message_id(raw: bytes, message_id: str) -> bytes:
    """The message with its Message-ID header replaced by (or given) ``<message_id>``."""
    eol = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
    split = raw.find(eol + eol)
    head, body = (raw, b"") if split < 0 else (raw[: split + len(eol)], raw[split + len(eol) :])
    head = MESSAGE_ID.sub(b"", head.replace(b"\r\n", b"\n"))
    if eol == b"\r\n":
        head = head.replace(b"\n", b"\r\n")
    return b"Message-ID: <" + message_id.encode() + b">" + eol + head + body


def simple(n: int, *, sender: str = "dana@example.com", subject: str = "", tag: str = "t") -> bytes:
    """A small, plain message with Message-ID <tag-n@example.com>."""
    subject = subject or f"Question {n}"
    return (
        f"From: Dana Customer <{sender}>\r\nTo: support@acme.test\r\nSubject: {subject}\r\n"
        f"Message-ID: <{tag}-{n}@example.com>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, this is message {n}.\r\n"
    ).encode()


def cycle(count: int, *, prefix: str = "bench") -> Iterator[bytes]:
    """``count`` messages cycling through the whole corpus, each with a unique Message-ID."""
    messages = [raw for _name, raw in all_messages()]
    for index in range(count):
        yield with_message_id(messages[index % len(messages)], f"{prefix}-{index}@bench.helpline.test")
