"""fold_quoted on GitHub's email_reply_parser bodies (scenario table in the corpus SOURCE.md) and beyond."""

from __future__ import annotations

import time

import pytest

from helpline.channels.email.parsing import FoldedText, fold_quoted
from helpline.channels.email.parsing.quotes import is_quote_header
from helpline.channels.email.parsing.tests.zammad import MAIL

REPLIES = MAIL / "email-reply-parser"
FULL = None  # nothing folded: visible is the whole text

# file → the visible text: a literal, or the number of leading lines of the file that stay visible.
EXPECTED: dict[str, str | int | None] = {
    "correct_sig.txt": "this is an email with a correct -- signature.",
    "email_1_1.txt": (
        "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after \n"
        "running a test?\nI am currently using the Java HTTP API."
    ),
    "email_1_2.txt": 34,  # bottom post: "Hi," + the first quote + the answer stay; the second quote folds
    "email_1_3.txt": "Oh thanks.\n\nHaving the function would be great.",
    "email_1_4.txt": "Awesome! I haven't had another problem with it.",
    "email_1_5.txt": FULL,
    "email_1_6.txt": "I get proper rendering as well.\n\nSent from a magnificent torch of pixels",
    "email_1_7.txt": ":+1:",
    "email_1_8.txt": 19,  # inline replies: everything down to "and under this." stays
    "email_2_1.txt": "Outlook with a reply",
    "email_2_2.txt": "Outlook with a reply directly above line",
    "email_2_3.txt": "Outlook with a reply directly above line",
    "email_BlackBerry.txt": "Here is another email",
    "email_bullets.txt": (
        "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n"
        "   - how about bullets\n   - and another"
    ),
    "email_iPhone.txt": "Here is another email",
    "email_long_quote.txt": 8,  # the 59 kB ">" line has new text after it: an inline quote, stays
    "email_multi_word_sent_from_my_mobile_device.txt": "Here is another email",
    "email_one_is_not_on.txt": (
        "Thank, this is really helpful.\n\nOne outstanding question I had:\n\nLocally (on development), when I run..."
    ),
    "email_sent_from_my_not_signature.txt": FULL,
    "email_sig_delimiter_in_middle_of_line.txt": FULL,
    "greedy_on.txt": 6,
    "pathological.txt": (
        "I think you're onto something. I will try to fix the problem as soon as I\nget back to a computer."
    ),
}
QUOTED_STARTS = {
    "email_1_2.txt": "> \n> -Abhishek Kona",
    "email_1_6.txt": "On Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@reply.github.com>\nwrote:",
    "email_1_7.txt": "On Tue, Sep 25, 2012 at 8:59 AM, Chris Wanstrath\n<notifications@github.com>wrote:",
    "email_1_8.txt": ">\n> -- Tim",
    "email_2_1.txt": " ------------------------------\n\n*From:* Google Apps Sync Team",
    "email_2_3.txt": "From: CRM Comments [crm-comment@example.com]\nSent:",
    "greedy_on.txt": "On 9 Jan 2014, at 2:47, George Plymale wrote:",
    "email_multi_word_sent_from_my_mobile_device.txt": "Sent from my Verizon Wireless BlackBerry",
}


def _read(name: str) -> str:
    return (REPLIES / name).read_text(encoding="utf-8").replace("\r\n", "\n")


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.name for p in REPLIES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reply_parser_corpus(name: str):
    text = _read(name)
    folded = fold_quoted(text)
    expected = EXPECTED[name]
    if expected is FULL:
        assert folded == FoldedText(visible=text, quoted="")
        return
    if isinstance(expected, int):
        expected = "\n".join(text.split("\n")[:expected]).rstrip()
    assert folded.visible == expected
    assert folded.quoted.strip()
    if name in QUOTED_STARTS:
        assert folded.quoted.lstrip("\n").startswith(QUOTED_STARTS[name])
    # nothing is deleted: every line is in exactly one half, in order
    assert [line for line in f"{folded.visible}\n{folded.quoted}".split("\n") if line.strip()] == [
        line for line in text.split("\n") if line.strip()
    ]


@pytest.mark.parametrize("name", ["pathological.txt", "email_long_quote.txt"])
def test_stress_files_are_fast(name: str):
    text = _read(name)
    started = time.process_time()
    for _ in range(10):
        fold_quoted(text)
    assert (time.process_time() - started) / 10 < 0.1  # upstream's bound is 1 s; we stay far below


def test_hostile_inputs_stay_linear():
    lines = ["On " + "x" * 200 + ","] * 20_000 + ["> " * 5000] * 200 + ["-" * 100_000, "wrote:" * 10_000]
    started = time.process_time()
    fold_quoted("\n".join(lines))
    fold_quoted("On " * 200_000)
    assert time.process_time() - started < 2


def test_windows_line_endings():
    folded = fold_quoted("Thanks!\r\n\r\nOn Mon, 1 Jan 2024 at 10:00, Bob <b@x.org> wrote:\r\n> hi\r\n")
    assert folded.visible == "Thanks!"
    assert folded.quoted == "On Mon, 1 Jan 2024 at 10:00, Bob <b@x.org> wrote:\n> hi\n"


@pytest.mark.parametrize(
    "header",
    [
        "Am 07.05.2012 08:10, schrieb Martin Edenhofer via Znuny Team:",
        "Le lun. 1 janv. 2024 à 10:00, Bob <bob@example.com> a écrit :",
        "El lun, 1 ene 2024 a las 10:00, Bob (<bob@example.com>) escribió:",
        "Il giorno lun 1 gen 2024 alle ore 10:00 Bob <bob@example.com> ha scritto:",
        "Op ma 1 jan. 2024 om 10:00 schreef Bob <bob@example.com>:",
        "Em seg., 1 de jan. de 2024 às 10:00, Bob <bob@example.com> escreveu:",
        "W dniu 1.01.2024 o 10:00, Bob pisze:",
        "Den 1 jan. 2024 kl. 10:00 skrev Bob <bob@example.com>:",
        "ma 1.1.2024 klo 10.00 Bob (bob@example.com) kirjoitti:",
        "2024年1月1日(月) 10:00 Bob <bob@example.com>:",
        "On Mon, Jan 1, 2024 at 10:00 AM Bob Example <\nbob@example.com> wrote:",
    ],
)
def test_reply_headers_in_several_languages(header: str):
    assert is_quote_header(header)
    folded = fold_quoted(f"New text.\n\n{header}\n> old text\n")
    assert folded.visible == "New text."
    assert folded.quoted.startswith(header.split("\n")[0])


@pytest.mark.parametrize(
    "line", ["On your remote host you can run:", "One question I had:", "On Monday I will call you:", "Note: wrote"]
)
def test_lines_that_are_not_reply_headers(line: str):
    assert not is_quote_header(line)


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("Hi\n\n-----Original Message-----\nFrom: a\nold", "Hi"),
        ("Hi\n\n-----Ursprüngliche Nachricht-----\nVon: a\nold", "Hi"),
        ("Hi\n\nVon: Bob <b@x.org>\nGesendet: Montag, 1. Januar 2024 10:00\nAn: c\nBetreff: x\n\nold", "Hi"),
        ("Hi\n\nDe : Bob\nEnvoyé : lundi\nÀ : c\n\nold", "Hi"),
        ("Thanks\n\nVon meinem iPhone gesendet", "Thanks"),
        ("Thanks\n\nGet Outlook for iOS", "Thanks"),
        ("Thanks\n-- \nBob\nACME Inc.\n+1 555 0100", "Thanks"),
    ],
)
def test_other_folding_markers(text: str, visible: str):
    assert fold_quoted(text).visible == visible


def test_never_folds_everything():
    only_quote = "> old text\n> more\n"
    assert fold_quoted(only_quote) == FoldedText(visible=only_quote, quoted="")
    forward = "---------- Forwarded message ---------\nFrom: Bob <b@x.org>\nDate: Mon, 1 Jan 2024\nSubject: x\n\nbody"
    assert fold_quoted(forward).quoted == ""
    assert fold_quoted("").visible == ""


def test_weak_marker_does_not_swallow_a_long_text():
    text = "Hi\n\n-Bob\n\n" + "\n".join(f"paragraph {n} of real content" for n in range(10))
    assert fold_quoted(text).quoted == ""
