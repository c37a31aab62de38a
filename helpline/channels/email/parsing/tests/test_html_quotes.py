"""fold_quoted_html on the markup of the common mail clients."""

from __future__ import annotations

import time

import pytest

from helpline.channels.email.parsing import fold_quoted_html

GMAIL = (
    '<div dir="ltr">Thanks, fixed.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
    "On Mon, Jan 1, 2024 at 10:00 AM Bob &lt;bob@x.com&gt; wrote:<br></div>"
    '<blockquote class="gmail_quote">old</blockquote></div>'
)
OUTLOOK_WEB = (
    '<div>New text</div><hr style="display:inline-block;width:98%" tabindex="-1">'
    '<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Bob<br><b>Sent:</b> Monday</div><div>old message</div>'
)
OUTLOOK_DESKTOP = (
    "<div class=WordSection1><p>Hi</p>"
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> Bob</p></div>'
    "<p>old</p></div>"
)
THUNDERBIRD = (
    '<p>Reply here</p><div class="moz-cite-prefix">On 1/1/24 10:00, Bob wrote:<br></div>'
    '<blockquote type="cite" cite="mid:x@y">old</blockquote>'
)
APPLE = (
    '<html><body><div>Sure thing.</div><div><br><blockquote type="cite"><div>On 1 Jan 2024, at 10:00, '
    "Bob &lt;bob@x.com&gt; wrote:</div><div>old</div></blockquote></div></body></html>"
)
ATTRIBUTION_OUTSIDE = (
    '<div>Sure thing.</div><div>On 1 Jan 2024, at 10:00, Bob wrote:</div><blockquote type="cite"><div>old</div>'
    "<blockquote>older</blockquote></blockquote>\n"
)
YAHOO = '<div>ok</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Monday, Bob wrote:</div>old</div>'


@pytest.mark.parametrize(
    ("html", "visible"),
    [
        (GMAIL, '<div dir="ltr">Thanks, fixed.</div><br>'),
        (OUTLOOK_WEB, "<div>New text</div>"),
        (OUTLOOK_DESKTOP, "<div class=WordSection1><p>Hi</p>"),
        (THUNDERBIRD, "<p>Reply here</p>"),
        (APPLE, "<html><body><div>Sure thing.</div><div><br>"),
        (ATTRIBUTION_OUTSIDE, "<div>Sure thing.</div>"),
        (YAHOO, "<div>ok</div>"),
    ],
)
def test_client_quotes_are_folded(html: str, visible: str):
    folded_visible, quoted = fold_quoted_html(html)
    assert folded_visible == visible
    assert folded_visible + quoted == html


@pytest.mark.parametrize(
    "html",
    [
        "<div>a</div><blockquote>q1</blockquote><div>answer</div><blockquote>q2</blockquote><div>answer 2</div>",
        '<div class="gmail_quote">On x wrote:<blockquote>old</blockquote></div>',  # nothing would remain
        "<p>no quote at all</p>",
        "",
        "<blockquote><blockquote>unclosed",
    ],
)
def test_nothing_folded(html: str):
    assert fold_quoted_html(html) == (html, "")


def test_consecutive_quotes_at_the_end_fold_together():
    html = "<p>top</p><blockquote>one</blockquote>\n<blockquote>two</blockquote>"
    assert fold_quoted_html(html) == ("<p>top</p>", "<blockquote>one</blockquote>\n<blockquote>two</blockquote>")


def test_large_and_hostile_html_is_fast():
    html = "<p>new</p>" + "<blockquote>" * 5000 + "x" * 100_000 + "</blockquote>" * 5000
    started = time.process_time()  # CPU time: a busy machine does not make the parser look slow
    visible, quoted = fold_quoted_html(html)
    assert (visible, len(visible) + len(quoted)) == ("<p>new</p>", len(html))
    fold_quoted_html("<div><blockquote>a</blockquote><p>b</p>" * 20_000)
    assert time.process_time() - started < 5
