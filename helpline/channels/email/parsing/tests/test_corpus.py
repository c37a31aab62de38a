"""Every real-world mail of the shared corpora parses, and the Zammad pairs match Zammad's expected parse.

The differences we chose to keep are listed in DOCUMENTED (and explained in ../CORPUS.md); any other
mismatch fails, and so does a documented one that starts to match (the table must then be updated).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from helpline.channels.email.parsing import parse_email
from helpline.channels.email.parsing.bodies import html_text
from helpline.channels.email.parsing.tests.zammad import MAIL, compare_file, pairs

MIKEL = sorted((MAIL / "mikel-mail").rglob("*.eml"))
ZAMMAD_BOXES = sorted((MAIL / "zammad").glob("*.box"))
ZAMMAD_PAIRS = pairs()

# (pair, key) → what we return instead of Zammad's value. See CORPUS.md for the reasons.
DOCUMENTED: dict[tuple[str, str], object] = {
    ("mail071", "attachment_names"): [],  # Zammad invents an empty "file" for the body-less multipart
    ("mail071", "attachment_data"): [None],
    ("mail072", "body"): "windows-1258",  # Zammad mis-decodes windows-1258 ("suite ŕ", "aoűt"); we don't
    ("mail076", "from_email"): '"millions lottery spain transfer"@example.com',
    ("mail076", "from_display_name"): "",
    ("mail087", "from_email"): "test@example.com",
    ("mail087", "from_display_name"): "Test",
    ("mail087", "attachment_names"): ["fax_1234.pdf"],  # the untyped text part is the body (RFC 2045 default)
    ("mail087", "attachment_data"): "fax text is the body",
    ("mail087", "body"): "fax text is the body",
}


def _id(path: Path) -> str:
    return str(path.relative_to(MAIL))


def test_corpora_are_present():
    assert len(MIKEL) == 103
    assert len(ZAMMAD_BOXES) == 32
    assert len(ZAMMAD_PAIRS) == 32


@pytest.mark.parametrize("path", MIKEL + ZAMMAD_BOXES, ids=_id)
def test_every_corpus_mail_parses(path: Path):
    parsed = parse_email(path.read_bytes())
    assert isinstance(parsed.subject, str)
    assert parsed.from_address == "" or "@" in parsed.from_address
    assert parsed.text.strip() or parsed.html.strip() or parsed.parse_errors
    assert not [e for e in parsed.parse_errors if " failed" in e]  # no step fell over
    for attachment in parsed.attachments:
        assert attachment.name and "/" not in attachment.name
        assert isinstance(attachment.content, bytes)


@pytest.mark.parametrize(("name", "box", "yml"), ZAMMAD_PAIRS, ids=[p[0] for p in ZAMMAD_PAIRS])
def test_zammad_pair(name: str, box: Path, yml: Path):
    short = name.split("-", 1)[0]
    for key, (ours, expected) in compare_file(box, yml).items():
        if (short, key) in DOCUMENTED:
            assert ours != expected, f"{short} {key} now matches Zammad: drop it from DOCUMENTED and CORPUS.md"
            documented = DOCUMENTED[(short, key)]
            if not isinstance(documented, str) or key in ("from_email", "from_display_name"):
                assert ours == documented, f"{short} {key}"
            continue
        assert ours == expected, f"{short} {key}"


def test_zammad_pass_rates(capsys):
    """Prints the per-key pass rate (raw, before documented exceptions) and pins it."""
    passed, total = Counter(), Counter()
    for _name, box, yml in ZAMMAD_PAIRS:
        for key, (ours, expected) in compare_file(box, yml).items():
            total[key] += 1
            passed[key] += ours == expected
    with capsys.disabled():
        print("\nzammad corpus, pass rate per key:")
        for key in total:
            print(f"  {key:18} {passed[key]:>2}/{total[key]} ({100 * passed[key] / total[key]:.0f}%)")
    failures = Counter(key for _short, key in DOCUMENTED)
    assert {key: total[key] - passed[key] for key in total if total[key] - passed[key]} == dict(failures)


def test_zammad_documented_cases_in_detail():
    by_name = {name.split("-", 1)[0]: box for name, box, _yml in ZAMMAD_PAIRS}
    fax = parse_email(by_name["mail087"].read_bytes())
    assert fax.text.startswith("Sehr geehrter Kunde,\n\nSie haben soeben ein neues Fax von +491234")
    assert [a.name for a in fax.attachments] == ["fax_1234.pdf"]
    french = parse_email(by_name["mail072"].read_bytes())
    assert "Je vous contacte suite à ma commande du 14 août 2018" in french.text
    assert "Je vous remercie d’avance." in html_text(french.html)
    empty = parse_email(by_name["mail071"].read_bytes())
    assert empty.attachments == []
    assert "multipart/mixed has no readable parts (boundary missing): read as text/plain" in empty.parse_errors
    assert empty.from_address == "power quadrant system@example.com"  # kept as written inside <…>


@pytest.mark.parametrize(
    ("relative", "subject", "sender", "name"),
    [
        ("mikel-mail/plain_emails/raw_email10.eml", "", "xxx@xxxx.xxx", ""),
        (
            "mikel-mail/plain_emails/raw_email_multiple_from.eml",
            "/home/svn/public/minebox revision 214",
            "tim@powerupdev.com",
            "",
        ),
        (
            "mikel-mail/plain_emails/raw_email_incorrect_header.eml",
            "Stop adware/spyware once and for all.",
            "xxx@xxx.xxx",
            "xxx xxx",
        ),
        ("mikel-mail/rfc2822/example13.eml", "Saying Hello", "jdoe@machine.example", "John Doe"),
        ("mikel-mail/rfc6532/utf8_headers.eml", "Säying Hello", "jdöe@mächine.example", "Jöhn Doe"),
        ("mikel-mail/multi_charset/japanese_iso_2022.eml", "まみむめも", "raasdnil@gmail.com", "Mikel Lindsaar"),
        ("zammad/mail016.box", "【 直通美国排名第49大学 成功后付费 】", "vipyimin@126.com", ""),
        ("zammad/mail092.box", "Undelivered Mail Returned to Sender", "postmaster@example.com", "MAILER-DAEMON"),
    ],
)
def test_corpus_headers_repaired(relative: str, subject: str, sender: str, name: str):
    parsed = parse_email((MAIL / relative).read_bytes())
    assert (parsed.subject, parsed.from_address, parsed.from_name) == (subject, sender, name)


def test_corpus_charset_and_attachment_repairs():
    unknown = parse_email((MAIL / "mikel-mail/plain_emails/raw_email10.eml").read_bytes())
    assert "text/plain: unknown charset 'X-UNKNOWN'; decoded as utf-8" in unknown.parse_errors
    unquoted = parse_email((MAIL / "mikel-mail/attachment_emails/attachment_with_unquoted_name.eml").read_bytes())
    assert [a.name for a in unquoted.attachments] == ["This is a test.txt"]
    jis = parse_email((MAIL / "mikel-mail/multi_charset/japanese_attachment_long_name.eml").read_bytes())
    assert [a.name for a in jis.attachments] == ["かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"]
    uu = parse_email((MAIL / "zammad/mail078-content_transfer_encoding_x_uuencode.box").read_bytes())
    assert [(a.name, a.content) for a in uu.attachments] == [("PGP_Cmts_on_12-14-01_Pkg.txt", b"Hello Zammad")]
    inline = parse_email((MAIL / "zammad/mail079.box").read_bytes())
    image = inline.attachments[0]
    assert (image.name, image.inline, image.content_id) == (
        "a.jpg",
        True,
        "5EF92182-3261-44C7-9835-E8A922AB4976@openvpn",
    )


def test_corpus_bounces():
    bounce = parse_email((MAIL / "zammad/mail033-undelivered-mail-returned-to-sender-notification.box").read_bytes())
    assert bounce.is_bounce and bounce.is_automated
    assert bounce.bounced_message_id == (
        "<notification.20150830145600.1.4.5f4fd063-f69b-4e64-a92d-5e7128bd6682@127.0.0.1:3000>"
    )
    assert (bounce.bounce_recipients, bounce.bounce_status, bounce.bounce_action) == (
        ["not_existing@znuny.com"],
        "5.1.1",
        "failed",
    )
    assert "test [Ticket#10010]" not in bounce.text  # the returned mail is an attachment, not body
    headers_only = parse_email((MAIL / "mikel-mail/multipart_report_emails/report_422.eml").read_bytes())
    assert headers_only.bounced_message_id == "<15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au>"
    assert (headers_only.bounce_status, headers_only.bounce_action) == ("4.2.2", "delayed")
    several = parse_email((MAIL / "mikel-mail/multipart_report_emails/multi_address_bounce1.eml").read_bytes())
    assert len(several.bounce_recipients) == 5


def test_boundaries_the_strict_header_parser_lost_are_read():
    """The tree is built with the lenient (compat32) policy: it keeps a boundary parameter as written, where
    the modern header parser dropped characters of it and left the whole multipart unread."""
    mikel = MAIL / "mikel-mail"
    outlook = parse_email((mikel / "mime_emails/raw_email_with_illegal_boundary.eml").read_bytes())
    assert outlook.text == "Hello\nThis is an outlook test\n\nSo there.\n\nMe."
    assert html_text(outlook.html).startswith("Hello\n\nThis is an outlook \ntest")
    assert outlook.parse_errors == []
    scanned = parse_email((mikel / "plain_emails/raw_email_bad_time.eml").read_bytes())
    assert scanned.text.startswith("Filter2: This message has been scanned for viruses")
    assert scanned.parse_errors == []
    binary = parse_email((mikel / "mime_emails/raw_email_with_binary_encoded.eml").read_bytes())
    assert [(a.name, a.content) for a in binary.attachments] == [
        ("2013-08-13_19-08-28-1.jpg", b"BINARY_CONTENT_GOES_HERE")
    ]
