"""Bytes → str for mail bodies and headers, surviving unknown, missing and wrong charset labels.

Order of attempts: the declared charset (and a known superset of it), UTF-8, windows-1252, and finally
latin-1, which maps every byte and so never fails. A single-byte label (us-ascii, iso-8859-1, windows-1252…)
on bytes that are valid multi-byte UTF-8 is treated as a wrong label: such bytes are almost never real
latin-1 text, while mislabelled UTF-8 is common.
"""

from __future__ import annotations

import codecs
import re

# Labels seen in the wild that Python does not know, or knows only as a narrower subset.
ALIASES = {
    "x-unknown": "",
    "unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
    "8bit": "",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}
SINGLE_BYTE = {"ascii", "cp1252", "latin-1", "iso8859-15", "cp1250", "iso8859-2"}
_LABEL = re.compile(r"[A-Za-z0-9_.:+-]{1,40}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def codec_for(label: str | None) -> str:
    """The Python codec name for a charset label, or "" when unknown or meaningless."""
    if not label:
        return ""
    label = label.strip().strip("\"'").lower()
    if not _LABEL.fullmatch(label):
        return ""
    label = ALIASES.get(label, label)
    if not label:
        return ""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, note): note is "" when the declared charset worked, else says what was done instead."""
    if not data:
        return "", ""
    codec = codec_for(declared)
    note = f"unknown charset {declared!r}" if declared and not codec else ""
    if codec:
        if codec in SINGLE_BYTE and _NON_ASCII.search(data) and _is_utf8(data):
            return data.decode("utf-8"), f"charset {declared!r} declared but the bytes are UTF-8"
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, LookupError, ValueError):
            note = f"bytes do not match charset {declared!r}"
        if codec == "iso2022_jp_ext":
            try:
                return data.decode("iso2022_jp_2"), ""
            except UnicodeDecodeError:
                pass
    for fallback in ("utf-8", "cp1252"):
        if fallback == codec:
            continue
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        if not _NON_ASCII.search(data):
            return text, ""  # plain ASCII: any label is as good as the other
        return text, f"{note or 'no charset declared'}; decoded as {fallback}"
    return data.decode("latin-1"), f"{note or 'no charset declared'}; decoded as latin-1"


def repair_surrogates(value: str, hint: str | None = None) -> tuple[str, bool]:
    """Header text parsed from bytes keeps raw 8-bit bytes as lone surrogates: decode them properly.

    UTF-8 first (RFC 6532), then ``hint`` (the message's body charset: old mailers wrote headers in it),
    then the usual fallbacks.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
        if _is_utf8(raw):
            return raw.decode("utf-8"), True
        text, _note = decode_bytes(raw, hint or "utf-8")
        return text, True
    return value, False
