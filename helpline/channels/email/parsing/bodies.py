"""Body text: charset decoding of a text part, format=flowed, HTML → text, joining body pieces."""

from __future__ import annotations

import re
from email.message import Message

from helpline.channels.email.parsing import mime
from helpline.channels.email.parsing.charsets import decode_bytes
from helpline.conversations.html import html_to_text, text_to_html

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_DROPPED_BLOCKS = (("<!--", "-->"), ("<style", "</style"), ("<script", "</script"), ("<xml", "</xml"))

Unit = tuple[str | None, str | None]  # (plain text, html) of one body piece; None: that form is absent


def decode_text(part: Message, content_type: str, errors: list[str]) -> str:
    """A text/* part as str: transfer encoding undone, charset decoded (with fallbacks), LF line ends."""
    data = mime.payload_bytes(part, errors)
    declared = mime.charset(part)
    if not declared and content_type == "text/html":
        sniffed = _META_CHARSET.search(data[:4096])
        declared = sniffed.group(1).decode("ascii") if sniffed else ""
    text, note = decode_bytes(data, declared or None)
    if note:
        errors.append(f"{content_type}: {note}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if content_type == "text/plain" and mime.param(part, "format").lower() == "flowed":
        text = unflow(text, delsp=mime.param(part, "delsp").lower() == "yes")
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676 format=flowed → paragraphs: soft line breaks (a trailing space) joined, stuffing removed."""
    out: list[str] = []
    buffer: list[str] = []
    depth = -1

    def flush() -> None:
        if buffer:
            prefix = ">" * depth + (" " if depth else "")
            out.append(prefix + "".join(buffer))
            buffer.clear()

    for line in text.split("\n"):
        quotes = len(line) - len(line.lstrip(">"))
        content = line[quotes:]
        if content.startswith(" "):
            content = content[1:]
        if quotes != depth:
            flush()
            depth = quotes
        if content.endswith(" ") and content != "-- ":
            buffer.append(content[:-1] if delsp else content)
            continue
        buffer.append(content)
        flush()
    flush()
    return "\n".join(out)


def _drop_blocks(html: str) -> str:
    """Remove comments, <style>, <script> and Office <xml> blocks in linear time (no backtracking regex)."""
    lowered = html.lower()
    for opening, closing in _DROPPED_BLOCKS:
        if opening not in lowered:
            continue
        pieces, position = [], 0
        while True:
            start = lowered.find(opening, position)
            if start < 0:
                break
            end = lowered.find(closing, start + len(opening))
            pieces.append(html[position:start])
            if end < 0:
                position = len(html)
                break
            end = lowered.find(">", end)
            position = len(html) if end < 0 else end + 1
        pieces.append(html[position:])
        html = "".join(pieces)
        lowered = html.lower()
    return html


def html_text(html: str) -> str:
    """The readable text of an HTML body (no CSS, scripts or comments), via the shared html_to_text."""
    return html_to_text(_drop_blocks(html))


def combine(units: list[Unit]) -> Unit:
    """Body pieces in order (e.g. text, image, text in multipart/mixed) → one text and one html."""
    has_text = any(text is not None for text, _html in units)
    has_html = any(html is not None for _text, html in units)
    text = "\n".join(t if t is not None else html_text(h or "") for t, h in units) if has_text else None
    html = "".join(h if h is not None else text_to_html(t or "") for t, h in units) if has_html else None
    return text, html
