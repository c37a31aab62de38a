"""Hand-made tricky and hostile mails: each builds the exact bytes it needs and asserts exact values."""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage

import pytest

from helpline.channels.email.parsing import ParsedAttachment, ParsedEmail, parse_email


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("from_", "Alice Example <Alice@Example.ORG>")
    message["To"] = headers.pop("to", "support@helpline.test")
    message["Subject"] = headers.pop("subject", "Hello")
    message["Message-ID"] = headers.pop("message_id", "<m1@example.org>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def _parse(message: EmailMessage) -> ParsedEmail:
    return parse_email(message.as_bytes(policy=policy.SMTP))


def _raw(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


# --- headers ---------------------------------------------------------------------------------------------


def test_plain_message_fields():
    message = _mail(
        cc='"Doe, Jane" <jane@example.org>, bob@example.org',
        reply_to="Help <help@example.org>",
        in_reply_to="<a@x>",
        references="<r1@x> <r2@x> <r1@x> <a@x>",
        date="Mon, 01 Jan 2024 10:00:00 +0200",
    )
    message.set_content("Hello there\n")
    parsed = _parse(message)
    assert parsed.message_id == "<m1@example.org>"
    assert parsed.in_reply_to == ["<a@x>"]
    assert parsed.references == ["<r1@x>", "<r2@x>", "<a@x>"]
    assert parsed.thread_references == ["<a@x>", "<r2@x>", "<r1@x>"]
    assert (parsed.from_address, parsed.from_name) == ("alice@example.org", "Alice Example")
    assert parsed.to == [("", "support@helpline.test")]
    assert parsed.cc == [("Doe, Jane", "jane@example.org"), ("", "bob@example.org")]
    assert parsed.reply_to == [("Help", "help@example.org")]
    assert parsed.date == datetime(2024, 1, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert (parsed.text, parsed.html, parsed.attachments, parsed.parse_errors) == ("Hello there", "", [], [])
    assert not parsed.is_automated


@pytest.mark.parametrize(
    ("raw_subject", "subject"),
    [
        ("=?utf-8?Q?Caf=C3=A9?=   =?utf-8?B?IGNyw6htZQ==?=", "Café crème"),  # adjacent words join
        ("=?iso-8859-1?q?Gr=FC=DFe?= aus   Berlin", "Grüße aus Berlin"),
        ("=?x-unknown?q?caf=C3=A9?=", "café"),  # unknown charset: UTF-8 guessed
        ("=?utf-8?B?w6k?=", "é"),  # base64 without padding
        ("  \r\n =?UTF-8?Q? Personal=C3=A4nderung?=", "Personaländerung"),  # space inside the word (mail077)
        ("=?utf-8?q?a?=\r\n\t=?utf-8?q?b?=", "ab"),
    ],
)
def test_encoded_subjects(raw_subject: str, subject: str):
    raw = _raw(f"From: a@example.org\nSubject: {raw_subject}", b"x")
    assert parse_email(raw).subject == subject


def test_raw_8bit_headers_use_utf8_then_the_body_charset():
    raw = (
        b"From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\nSubject: Gr\xfc\xdfe\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\xfc\xdfe"
    )
    parsed = parse_email(raw)
    assert (parsed.subject, parsed.from_name, parsed.text) == ("Grüße", "Jörg", "Grüße")
    assert parse_email(b"Subject: caf\xc3\xa9\r\n\r\nx").subject == "café"


def test_missing_and_broken_headers():
    parsed = parse_email(b"Reply-To: <Help@Example.org>\r\nDate: Mon, 01 Jan 2024 29:61:00 +0000\r\n\r\nhi")
    assert (parsed.subject, parsed.from_address, parsed.message_id, parsed.date) == ("", "help@example.org", "", None)
    assert parsed.parse_errors == [
        "From missing: sender taken from Reply-To",
        "Date invalid: 'Mon, 01 Jan 2024 29:61:00 +0000'",
    ]
    received = parse_email(
        b"From: a@example.org\r\nReceived: from x by y; Tue, 02 Jan 2024 03:04:05 -0000\r\n"
        b"Message-ID: bare@id\r\n\r\nhi"
    )
    assert received.date == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert received.message_id == "<bare@id>"
    assert received.parse_errors == ["Date missing; taken from Received"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Test test@example.com", ("Test", "test@example.com")),
        ("bob@example.org (Bob Smith)", ("Bob Smith", "bob@example.org")),
        ("MAILER-DAEMON (Mail Delivery System) <postmaster@example.com>", ("MAILER-DAEMON", "postmaster@example.com")),
        ('"Smith (Sales)" <s@example.com>', ("Smith (Sales)", "s@example.com")),
        ("=?utf-8?B?TcO8bGxlciwgQmVybmQ=?= <Bernd@Example.com>", ("Müller, Bernd", "bernd@example.com")),
        ("a@example.com b@example.com", ("", "a@example.com")),
        ("undisclosed-recipients:;", ("", "")),
    ],
)
def test_from_variants(value: str, expected: tuple[str, str]):
    parsed = parse_email(_raw(f"From: {value}", b"x"))
    assert (parsed.from_name, parsed.from_address) == expected


def test_stray_line_in_headers_is_repaired():
    raw = b"Received: from a by b\r\noops not a header\r\nFrom: x@example.org\r\nSubject: kept\r\n\r\nbody"
    parsed = parse_email(raw)
    assert (parsed.from_address, parsed.subject, parsed.text) == ("x@example.org", "kept", "body")
    assert parsed.parse_errors == ["stray line joined to the header above it: 'oops not a header'"]


def test_auto_reply_headers():
    message = _mail(
        auto_submitted="auto-replied",
        precedence="bulk",
        x_autoreply="yes",
        x_auto_response_suppress="All",
        list_id="<support.example.org>",
        return_path="<>",
    )
    message.set_content("I am out of office.")
    parsed = _parse(message)
    assert (parsed.auto_submitted, parsed.precedence, parsed.x_autoreply) == ("auto-replied", "bulk", "yes")
    assert (parsed.x_auto_response_suppress, parsed.list_id, parsed.return_path) == (
        "All",
        "<support.example.org>",
        "<>",
    )
    assert parsed.is_automated
    assert not _parse(_mail(auto_submitted="no")).is_automated


# --- charsets --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "text", "error"),
    [
        (
            "text/plain; charset=us-ascii",
            "Grüße €".encode(),
            "Grüße €",
            "charset 'us-ascii' declared but the bytes are UTF-8",
        ),
        (
            "text/plain; charset=us-ascii",
            "Grüße".encode("latin-1"),
            "Grüße",
            "bytes do not match charset 'us-ascii'; decoded as cp1252",
        ),
        (
            "text/plain; charset=iso-8859-1",
            "Grüße".encode(),
            "Grüße",
            "charset 'iso-8859-1' declared but the bytes are UTF-8",
        ),
        (
            "text/plain; charset=utf-8",
            "Grüße “q”".encode("cp1252"),
            "Grüße “q”",
            "bytes do not match charset 'utf-8'; decoded as cp1252",
        ),
        ("text/plain; charset=X-UNKNOWN", "Grüße".encode(), "Grüße", "unknown charset 'X-UNKNOWN'; decoded as utf-8"),
        ('text/plain; charset="bogus"', b"\x81\x8d\x8f", "\x81\x8d\x8f", "unknown charset 'bogus'; decoded as latin-1"),
        ("text/plain; charset=ks_c_5601-1987", "안녕".encode("cp949"), "안녕", None),
        ("text/plain; charset=gb2312", "直通".encode("gb18030"), "直通", None),
        ("text/plain", "Grüße".encode(), "Grüße", "no charset declared; decoded as utf-8"),
        ("text/html", '<meta charset="windows-1252"><p>Gr\xfc\xdfe</p>'.encode("latin-1"), "Grüße", None),
    ],
)
def test_wrong_and_unknown_charsets(content_type: str, body: bytes, text: str, error: str | None):
    parsed = parse_email(_raw(f"From: a@example.org\nContent-Type: {content_type}", body))
    assert parsed.text == text
    kind = content_type.split(";")[0]
    assert parsed.parse_errors == ([f"{kind}: {error}"] if error else [])


def test_format_flowed_is_unwrapped():
    body = b"This is a long \r\nline.\r\n> quoted soft \r\n> break\r\n-- \r\nsig"
    parsed = parse_email(_raw("From: a@example.org\nContent-Type: text/plain; charset=utf-8; format=flowed", body))
    assert parsed.text == "This is a long line.\n> quoted soft break\n-- \nsig"
    delsp = _raw("From: a@e.org\nContent-Type: text/plain; format=flowed; delsp=yes", b"Con \r\ncatenated")
    assert parse_email(delsp).text == "Concatenated"


# --- structure -------------------------------------------------------------------------------------------


def test_html_only_gets_a_text_fallback():
    message = _mail()
    message.set_content(
        "<html><head><style>p {color: red}</style><!-- hi --></head><body><p>Hello</p><p>World &amp; you</p>"
        "<script>alert(1)</script></body></html>",
        subtype="html",
    )
    parsed = _parse(message)
    assert parsed.text == "Hello\nWorld & you"
    assert parsed.html.startswith("<html><head><style>")  # raw: the caller sanitises


def test_alternative_takes_plain_and_html():
    message = _mail()
    message.set_content("plain version")
    message.add_alternative("<p>html version</p>", subtype="html")
    parsed = _parse(message)
    assert (parsed.text, parsed.html) == ("plain version", "<p>html version</p>\n")


def test_mixed_text_parts_are_joined_in_order():
    message = _mail()
    message.set_content("first")
    message.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="a.png")
    message.add_attachment("second", disposition="inline")
    parsed = _parse(message)
    assert parsed.text == "first\n\nsecond"
    assert [(a.name, a.content_type, a.content) for a in parsed.attachments] == [("a.png", "image/png", b"\x89PNG")]


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ("attachment; filename*=utf-8''%E2%82%AC%20rates%20%C3%A4.pdf", "€ rates ä.pdf"),
        ("attachment; filename*0*=utf-8''%C3%84rger; filename*1=\" long.pdf\"", "Ärger long.pdf"),
        ("attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt", "Grüße.txt"),
        ('attachment; filename="=?utf-8?Q?Erkl=C3=A4rung.txt?="', "Erklärung.txt"),
        ('attachment; filename="=?ISO-8859-1?B?R3L832UudHh0?="', "Grüße.txt"),
        ('attachment; filename="C:\\\\Users\\\\me\\\\report.pdf"', "report.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ("attachment; filename=this has spaces.txt", "this has spaces.txt"),
        ("attachment", "attachment.pdf"),
    ],
)
def test_attachment_names(disposition: str, name: str):
    raw = _raw(
        f"""From: a@example.org
Content-Type: multipart/mixed; boundary=XX

--XX
Content-Type: text/plain

body
--XX
Content-Type: application/pdf
Content-Disposition: {disposition}
Content-Transfer-Encoding: base64

JVBERg==
--XX--""",
        b"",
    )
    parsed = parse_email(raw)
    assert [(a.name, a.content) for a in parsed.attachments] == [(name, b"%PDF")]
    assert parsed.text == "body"


def test_name_from_content_type_and_builder_rfc2231():
    message = _mail()
    message.set_content("see attached")
    message.add_attachment(b"a;b", maintype="text", subtype="csv", filename="Übersicht 2024 – März.csv")
    parsed = _parse(message)
    assert [(a.name, a.content_type, a.content) for a in parsed.attachments] == [
        ("Übersicht 2024 – März.csv", "text/csv", b"a;b")
    ]


def test_nested_forwards_become_eml_attachments():
    innermost = _mail(subject="Original problem", message_id="<inner@x>")
    innermost.set_content("the very first text")
    middle = _mail(subject="Fwd: Original problem", message_id="<middle@x>")
    middle.set_content("middle comment")
    middle.add_attachment(innermost)
    outer = _mail(subject="Fwd: Fwd: Original problem")
    outer.set_content("Please look at this.")
    outer.add_attachment(middle)
    parsed = _parse(outer)
    assert parsed.text == "Please look at this."
    assert [(a.name, a.content_type) for a in parsed.attachments] == [("Fwd: Original problem.eml", "message/rfc822")]
    forwarded = parse_email(parsed.attachments[0].content)
    assert (forwarded.message_id, forwarded.text) == ("<middle@x>", "middle comment")
    assert [a.name for a in forwarded.attachments] == ["Original problem.eml"]
    assert parse_email(forwarded.attachments[0].content).text == "the very first text"


def test_forward_without_subject_and_with_slash():
    inner = EmailMessage()
    inner["From"] = "x@example.org"
    inner.set_content("x")
    outer = _mail()
    outer.set_content("fwd")
    outer.add_attachment(inner)
    slash = _mail(subject="a/b\\c")
    slash.set_content("x")
    other = _mail()
    other.set_content("fwd")
    other.add_attachment(slash)
    assert [a.name for a in _parse(outer).attachments] == ["Mail.eml"]
    assert [a.name for a in _parse(other).attachments] == ["a-b-c.eml"]


def test_base64_encoded_forward():
    inner = b"From: x@example.org\r\nSubject: Inner one\r\nMessage-ID: <in@x>\r\n\r\ninner body\r\n"
    raw = _raw(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nouter\n"
        "--B\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64",
        base64.encodebytes(inner).replace(b"\n", b"\r\n") + b"--B--\r\n",
    )
    parsed = parse_email(raw)
    assert parsed.text == "outer"
    assert [(a.name, a.content) for a in parsed.attachments] == [("Inner one.eml", inner)]


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@helpline.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address
    rejected: User unknown

Final-Recipient: rfc822; <full@example.com>
Action: delayed
Status: 4.2.2

--B
Content-Type: text/rfc822-headers

From: support@helpline.test
To: gone@example.com
Subject: Re: your ticket
Message-ID: <reply-42@helpline.test>

--B--
"""


def test_delivery_status_notification():
    parsed = parse_email(_raw(DSN, b""))
    assert parsed.is_bounce and parsed.is_automated
    assert parsed.bounced_message_id == "<reply-42@helpline.test>"
    assert parsed.bounce_recipients == ["gone@example.com", "full@example.com"]
    assert (parsed.bounce_status, parsed.bounce_action) == ("5.1.1", "failed")
    assert parsed.text == "I'm sorry to have to inform you that your message could not be delivered."
    assert [(a.name, a.content_type) for a in parsed.attachments] == [
        ("Delivery report.txt", "message/delivery-status"),
        ("Original headers.txt", "text/rfc822-headers"),
    ]
    assert b"Recipient address\n    rejected: User unknown" in parsed.attachments[0].content


def test_dsn_with_the_whole_original_message():
    original = _mail(subject="Re: your ticket", message_id="<reply-43@helpline.test>")
    original.set_content("We fixed it.")
    raw = _raw(DSN.split("--B\nContent-Type: text/rfc822-headers")[0] + "--B--", b"")
    report = parse_email(raw)
    assert report.bounced_message_id == ""
    message = _mail(subject="Delivery Status Notification (Failure)")
    message.set_content("failed")
    message.add_attachment(original)
    message.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="Z"')
    parsed = _parse(message)
    assert parsed.is_bounce
    assert parsed.bounced_message_id == "<reply-43@helpline.test>"
    assert [a.name for a in parsed.attachments] == ["Re: your ticket.eml"]


SIGNED = """From: a@example.org
Subject: signed
Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="S"

--S
Content-Type: multipart/mixed; boundary="M"

--M
Content-Type: text/plain; charset=utf-8

The signed text.
--M
Content-Type: application/pdf; name="contract.pdf"
Content-Disposition: attachment; filename="contract.pdf"
Content-Transfer-Encoding: base64

JVBERg==
--M--

--S
Content-Type: application/pkcs7-signature; name="smime.p7s"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="smime.p7s"

MIAGCSqGSIb3DQEHAqCAMIACAQEx
--S--
"""


def test_smime_signed_keeps_content_and_signature():
    parsed = parse_email(_raw(SIGNED, b""))
    assert parsed.is_signed
    assert parsed.text == "The signed text."
    assert [(a.name, a.content_type) for a in parsed.attachments] == [
        ("contract.pdf", "application/pdf"),
        ("smime.p7s", "application/pkcs7-signature"),
    ]
    assert parsed.attachments[1].content == base64.b64decode("MIAGCSqGSIb3DQEHAqCAMIACAQEx")


def test_opaque_smime_is_kept_as_attachment():
    raw = _raw(
        "From: a@example.org\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\n"
        "Content-Transfer-Encoding: base64",
        b"MIAGCSqGSIb3DQEHAqCAMIACAQEx",
    )
    parsed = parse_email(raw)
    assert parsed.is_signed
    assert [a.name for a in parsed.attachments] == ["smime.p7m"]
    assert parsed.parse_errors == [
        "application/pkcs7-mime (signed-data): not unpacked, kept as attachment",
        "no text or HTML body",
    ]


def test_calendar_invite():
    message = _mail(subject="Invitation: Sync")
    message.set_content("You are invited to Sync.")
    message.add_alternative("<p>You are invited to <b>Sync</b>.</p>", subtype="html")
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Sync\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    message.add_alternative(ics, subtype="calendar", params={"method": "REQUEST"})
    parsed = _parse(message)
    assert parsed.is_calendar
    assert parsed.text == "You are invited to Sync."
    assert parsed.html == "<p>You are invited to <b>Sync</b>.</p>\n"
    assert [(a.name, a.content_type, a.content) for a in parsed.attachments] == [
        ("invite.ics", "text/calendar", ics.encode())
    ]


def test_cid_inline_images():
    message = _mail()
    message.set_content("see logo")
    message.add_alternative('<p>Logo: <img src="cid:logo@x"></p>', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(b"\x89PNG1", maintype="image", subtype="png", cid="<logo@x>", filename="logo.png")
    html_part.add_related(b"\x89PNG2", maintype="image", subtype="png", cid="<unused@x>")
    parsed = _parse(message)
    assert [(a.name, a.content_id, a.inline, a.content) for a in parsed.attachments] == [
        ("logo.png", "logo@x", True, b"\x89PNG1"),
        ("image.png", "unused@x", False, b"\x89PNG2"),  # not shown by the HTML: listed as a file
    ]
    assert parsed.text == "see logo"


# --- TNEF ------------------------------------------------------------------------------------------------


def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _tnef(body: bytes, files: list[tuple[bytes, bytes]]) -> bytes:
    blob = struct.pack("<IH", 0x223E9F78, 1)
    blob += _tnef_object(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))  # TNEF version
    blob += _tnef_object(1, 0x800C, 0x0002, body)  # message body
    for name, data in files:
        blob += _tnef_object(2, 0x9002, 0x0006, b"\x01\x00" + b"\x00" * 12)  # starts an attachment
        blob += _tnef_object(2, 0x8010, 0x0001, name + b"\x00")  # its title
        blob += _tnef_object(2, 0x800F, 0x0006, data)  # its data
    return blob + b"\x00" * 16


def _with_winmail(data: bytes, text: str | None = "See the files.") -> EmailMessage:
    message = _mail()
    if text is not None:
        message.set_content(text)
    message.add_attachment(data, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return message


def test_tnef_attachments_are_unpacked():
    blob = _tnef(b"TNEF body", [(b"report.pdf", b"%PDF-1.4"), (b"notes.txt", b"hello")])
    parsed = _parse(_with_winmail(blob))
    assert [(a.name, a.content_type, a.content) for a in parsed.attachments] == [
        ("report.pdf", "application/pdf", b"%PDF-1.4"),
        ("notes.txt", "text/plain", b"hello"),
    ]
    assert parsed.text == "See the files."  # the MIME body wins; TNEF's copy of it is not repeated


def test_tnef_body_used_when_there_is_no_other():
    blob = _tnef(b"Only in TNEF", [(b"a.txt", b"a")])
    message = _mail()
    message.set_content(
        blob, maintype="application", subtype="ms-tnef", disposition="attachment", filename="winmail.dat"
    )
    parsed = _parse(message)
    assert parsed.text == "Only in TNEF"
    assert [a.name for a in parsed.attachments] == ["a.txt"]


def test_broken_tnef_is_kept():
    parsed = _parse(_with_winmail(b"not tnef at all"))
    assert [(a.name, a.content) for a in parsed.attachments] == [("winmail.dat", b"not tnef at all")]
    assert parsed.parse_errors == ["winmail.dat kept as is: not readable as TNEF (ValueError)"]


# --- hostile input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n",
        b"\x00" * 64,
        bytes(range(256)) * 64,
        b"Content-Type: multipart/mixed\r\n\r\n--nothing",
        b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
        * 60,
        b"Content-Type: text/plain; charset=\x00\xff\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!==",
        b'From: <>\r\nTo: ,,,,\r\nCc: "unterminated\r\nSubject: =?utf-8?B?####?=\r\n\r\n',
        b"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n" * 50,
        b"Content-Type: text/plain; name*0*=bogus'xx'%ZZ; name*5=x\r\n\r\nx",
    ],
)
def test_never_raises(raw: bytes):
    parsed = parse_email(raw)
    assert isinstance(parsed, ParsedEmail)
    assert "\x00" not in parsed.text + parsed.subject + parsed.html
    assert not [e for e in parsed.parse_errors if " failed" in e]


def test_empty_message():
    assert parse_email(b"") == ParsedEmail(parse_errors=["empty message"])


def test_missing_boundary_reads_body_as_text():
    parsed = parse_email(b"From: a@example.org\r\nContent-Type: multipart/alternative\r\n\r\nJust text")
    assert parsed.text == "Just text"
    assert "multipart/alternative has no readable parts (boundary missing): read as text/plain" in parsed.parse_errors


def test_deep_nesting_is_cut():
    depth = 60
    head = "".join(f"Content-Type: multipart/mixed; boundary=b{n}\r\n\r\n--b{n}\r\n" for n in range(depth))
    raw = ("From: a@example.org\r\n" + head + "Content-Type: text/plain\r\n\r\ndeep").encode()
    parsed = parse_email(raw)
    assert "more than 1000 parts or 40 levels: the rest is not read" in parsed.parse_errors


def test_bad_base64_padding_is_tolerated():
    raw = _raw("From: a@example.org\nContent-Type: text/plain\nContent-Transfer-Encoding: base64", b"SGVsbG8gd29ybGQ")
    assert parse_email(raw).text == "Hello world"


def test_nul_bytes_are_removed():
    raw = _raw("From: a@example.org\nSubject: a\x00b", b"te\x00xt")
    parsed = parse_email(raw)
    assert (parsed.subject, parsed.text) == ("ab", "text")


def test_large_attachment_is_held_once(tmp_path):
    import tracemalloc

    payload = bytes(range(256)) * (4 * 4096)  # 4 MiB
    message = _mail()
    message.set_content("big one")
    message.add_attachment(payload, maintype="application", subtype="octet-stream", filename="big.bin")
    raw = message.as_bytes(policy=policy.SMTP)
    tracemalloc.start()
    try:
        parsed = parse_email(raw)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.attachments == [ParsedAttachment("big.bin", "application/octet-stream", payload)]
    assert peak < 4 * len(raw)  # the raw bytes (held by the caller) + the tree + one decoded copy
