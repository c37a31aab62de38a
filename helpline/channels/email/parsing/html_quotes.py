"""Fold the quoted history of an HTML reply: ``fold_quoted_html(html) -> (visible_html, quoted_html)``.

The split is one offset in the source: ``visible_html + quoted_html == html``. Both halves may hold unclosed
or stray tags; the caller sanitises each (nh3 repairs the tree) before showing them, the quoted half inside a
fold. Markers, first one wins:
- "takes the rest": Gmail ``div.gmail_quote``, Thunderbird ``div.moz-cite-prefix``, Outlook on the web
  ``div#divRplyFwdMsg`` (with the ``<hr>`` before it) and ``div#appendonsend``, Yahoo ``div.yahoo_quoted``,
  Outlook desktop's header box (``border-top:solid`` + ``padding:3.0pt``);
- Helpline's own ``div[data-helpline-quoted]``, which ingest wraps around what the markers above found
  before sanitising removed them (class and id are not kept);
- "only at the end": any top-level ``<blockquote>``, folded when nothing but whitespace follows it (an
  "On … wrote:" line right before it goes with it). Interleaved replies stay visible.
Nothing is folded when no text would remain visible.
"""

from __future__ import annotations

from html.parser import HTMLParser

from helpline.channels.email.parsing.bodies import html_text
from helpline.channels.email.parsing.quotes import is_quote_header

QUOTE_MARKER = "data-helpline-quoted"  # helpline.conversations.html keeps it through sanitising
HINTS = (
    QUOTE_MARKER,
    "gmail_quote",
    "blockquote",
    "divrplyfwdmsg",
    "moz-cite-prefix",
    "yahoo_quoted",
    "border-top",
    "appendonsend",
)
BLOCKS = {"div", "p", "span", "font", "br", "hr", "table", "blockquote"}
MAX_HTML_CHARS = 2_000_000  # beyond this, do not fold (the parser is pure Python)


def _takes_rest(tag: str, attrs: dict[str, str]) -> bool:
    classes = attrs.get("class", "").lower().split()
    ident = attrs.get("id", "").lower()
    style = attrs.get("style", "").lower().replace(" ", "")
    if tag != "div":
        return False
    return (
        QUOTE_MARKER in attrs  # set at ingest, where the client's own markers (classes, ids) were still there
        or "gmail_quote" in classes
        or "gmail_quote_container" in classes
        or "moz-cite-prefix" in classes
        or "yahoo_quoted" in classes
        or ident.startswith(("divrplyfwdmsg", "appendonsend", "yahoo_quoted"))
        or ("border-top:solid" in style and "padding:3.0pt" in style)
    )


class _Finder(HTMLParser):
    """Records where the quote markers start (and top-level blockquotes end) as offsets in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        position = source.find("\n")
        while position >= 0:
            self.line_starts.append(position + 1)
            position = source.find("\n", position + 1)
        self.recent: list[tuple[str, int]] = []  # the last few block-level start tags: (tag, offset)
        self.rest_at = -1
        self.quotes: list[tuple[int, int, list[int]]] = []  # top-level blockquotes: (start, end, block starts before)
        self.open_quote = -1
        self.before_quote: list[int] = []
        self.depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.rest_at >= 0:
            return
        offset = self._offset()
        attributes = {key.lower(): (value or "") for key, value in attrs}
        if _takes_rest(tag, attributes):
            outlook = "divrplyfwdmsg" in attributes.get("id", "").lower()
            after_hr = outlook and self.recent and self.recent[-1][0] == "hr"
            self.rest_at = self.recent[-1][1] if after_hr else offset
            return
        if tag == "blockquote":
            if self.open_quote < 0:
                self.open_quote, self.depth = offset, 0
                self.before_quote = [start for _tag, start in self.recent]
            self.depth += 1
        if tag in BLOCKS:
            self.recent = [*self.recent[-5:], (tag, offset)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self.open_quote >= 0:
            self.depth -= 1
            if self.depth == 0:
                end = self.source.find(">", self._offset())
                self.quotes.append((self.open_quote, len(self.source) if end < 0 else end + 1, self.before_quote))
                self.open_quote = -1


def _with_attribution(html: str, split: int, starts: list[int]) -> int:
    """Move the split back over an "On … wrote:" element just before a blockquote."""
    for start in reversed([s for s in starts if s < split][-4:]):
        if is_quote_header(html_text(html[start:split])):
            return start
    return split


def _split(html: str) -> int:
    finder = _Finder(html)
    finder.feed(html)
    finder.close()
    if finder.rest_at >= 0:
        return finder.rest_at
    if finder.open_quote >= 0:  # unclosed blockquote: it runs to the end
        finder.quotes.append((finder.open_quote, len(html), finder.before_quote))
    if not finder.quotes:
        return len(html)
    start, end, before = finder.quotes[-1]
    if html_text(html[end:]).strip():  # new text after the last quote: an interleaved reply, keep it all
        return len(html)
    for previous_start, previous_end, previous_before in reversed(finder.quotes[:-1]):
        if html_text(html[previous_end:start]).strip():
            break
        start, before = previous_start, previous_before
    return _with_attribution(html, start, before)


def fold_quoted_html(html: str) -> tuple[str, str]:
    html = html or ""
    lowered = html.lower()
    if len(html) > MAX_HTML_CHARS or not any(hint in lowered for hint in HINTS):
        return html, ""
    try:
        split = _split(html)
    except Exception:  # a parser failure on hostile markup: show everything
        return html, ""
    if split >= len(html) or not html_text(html[:split]).strip():
        return html, ""
    return html[:split], html[split:]
