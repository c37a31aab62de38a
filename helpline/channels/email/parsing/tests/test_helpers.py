"""The small building blocks: charset fallbacks, parameters, uudecode, header repair, format=flowed."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from helpline.channels.email.parsing import mime
from helpline.channels.email.parsing.bodies import unflow
from helpline.channels.email.parsing.charsets import codec_for, decode_bytes
from helpline.channels.email.parsing.headers import message_ids
from helpline.channels.email.parsing.repair import repair_headers


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8", "utf-8"),
        ('"iso-8859-1"', "cp1252"),
        ("ks_c_5601-1987", "cp949"),
        ("GB2312", "gb18030"),
        ("Shift_JIS", "cp932"),
        ("iso-8859-8-i", "iso8859-8"),
        ("X-UNKNOWN", ""),
        ("unknown-8bit", ""),
        ("no such charset", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_codec_for(label, codec):
    assert codec_for(label) == codec


def test_decode_bytes_never_fails():
    assert decode_bytes(b"", "utf-8") == ("", "")
    assert decode_bytes(b"plain", "x-unknown") == ("plain", "")
    assert decode_bytes(b"\xff\xfe\x81", None) == ("ÿþ\x81", "no charset declared; decoded as latin-1")
    assert decode_bytes("日本".encode("iso2022_jp"), "iso-2022-jp") == ("日本", "")


def _part(header: str):
    return message_from_bytes(
        f"Content-Type: {header}\r\n\r\n".encode("utf-8", "surrogateescape"), policy=policy.default
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('text/plain; charset="utf-8"; name="a;b.txt"', {"charset": "utf-8", "name": "a;b.txt"}),
        ('text/plain; name*0="part one "; name*1="two"', {"name": "part one two"}),
        ("text/plain; name*0*=UTF-8''%E2%82%AC; name*1=\" and more\"", {"name": "€ and more"}),
        ("text/plain; name=\"x\"; name*=utf-8''%C3%A9.txt", {"name": "é.txt"}),
        ('text/plain; name="quote \\" inside"', {"name": 'quote " inside'}),
        ("text/plain; name*=bogus''%FF%FE", {"name": "ÿþ"}),
    ],
)
def test_params(header: str, expected: dict[str, str]):
    assert mime.params(_part(header)) == expected


def test_uudecode_without_begin_line():
    assert mime.uudecode(",2&5L;&\\@6F%M;6%D\n`\nend\n") == b"Hello Zammad"
    assert mime.uudecode("begin 644 x.txt\n#86)C\n`\nend\n") == b"abc"


def test_message_ids():
    assert message_ids("<a@x> junk <b@y>\r\n <a@x>") == ["<a@x>", "<b@y>"]
    assert message_ids("  id@host  ") == ["<id@host>"]
    assert message_ids("") == []


def test_repair_headers():
    assert repair_headers(b"From: a@b\r\nSubject: x\r\n\r\nbody") is None
    assert repair_headers(b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody") is None
    head, end, notes = repair_headers(b"Subject  : x\nTo: a@b\n\nbody")
    assert (head, end, notes) == (
        b"Subject: x\nTo: a@b",
        20,
        ["header name with spaces before the colon fixed: Subject"],
    )


def test_unflow():
    assert unflow("a \nb\n\nc") == "a b\n\nc"
    assert unflow("a \nb", delsp=True) == "ab"
    assert unflow(">> deep \n>> line\n> shallow") == ">> deep line\n> shallow"
    assert unflow(" From stuffed") == "From stuffed"
