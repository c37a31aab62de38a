"""``rewrite_inbound``: the account's search-and-replace rules applied to an inbound message before it is stored.

The ingest pipeline calls it once per message (helpline.ingest.pipeline), so it covers every channel. The raw
source (e.g. the .eml) is stored before and stays as it arrived.

Cost: the account's enabled rules are cached per rule-book version (a token in the shared cache that every
change replaces): at most one query per message, none while cached; the compiled patterns are kept per process
under the same token. An account without rules pays one cache read.

Safety: each regular expression search has a timeout, and one message has a total time budget over all its
rules (``BUDGET_SECONDS``). A rule that runs out of time is skipped for that text (logged), and the message
keeps what the earlier rules made of it. In HTML only text nodes change, never tags or attributes, and the
result still goes through the nh3 sanitiser when the message is stored.
"""

from __future__ import annotations

import logging
import time
import uuid
from html import escape
from html.parser import HTMLParser

from django.core.cache import cache

from helpline.events.decisions import decide
from helpline.replacements.patterns import CompiledRule, compile_rule

log = logging.getLogger(__name__)

BUDGET_SECONDS = 0.25  # for all the rules of one message together (the regex module may overshoot ~3x)
RULES_TTL = 3600
_compiled: dict[tuple[int, str], tuple[CompiledRule, ...]] = {}  # this process's compiled rule books
MAX_COMPILED = 1000


def _version_key(account_id: int) -> str:
    return f"replacements:version:{account_id}"


def rules_version(account_id: int) -> str:
    """A token naming the account's current rule book; a lost cache entry gets a new one (never reused)."""
    return cache.get_or_set(_version_key(account_id), lambda: uuid.uuid4().hex, None)


def forget_rules(account_id: int) -> None:
    """The rules changed: every process reloads them on the next message."""
    cache.set(_version_key(account_id), uuid.uuid4().hex, None)


def _load(account_id: int) -> list[dict]:
    from helpline.replacements.models import ReplacementRule

    fields = ("pattern", "replacement", "is_regex", "case_sensitive", "in_subject", "in_body", "channels")
    return list(
        ReplacementRule.objects.filter(account_id=account_id, enabled=True).order_by("position", "id").values(*fields)
    )


class _Row:
    def __init__(self, row: dict):
        self.__dict__.update(row)


def active_rules(account_id: int) -> tuple[CompiledRule, ...]:
    # A batch of messages (ingest, a chat group) asks the shared cache for the version once, not per message.
    version = decide(("replacement rules version", account_id), lambda: rules_version(account_id))
    key = (account_id, version)
    compiled = _compiled.get(key)
    if compiled is not None:
        return compiled
    rows_key = f"replacements:rules:{account_id}:{version}"
    rows = cache.get(rows_key)
    if rows is None:
        rows = _load(account_id)
        cache.set(rows_key, rows, RULES_TTL)
    ready = []
    for row in rows:
        try:
            ready.append(compile_rule(_Row(row)))
        except Exception:  # saved before a stricter check: skip it rather than lose the message
            log.warning("replacement rule of account %s no longer compiles: %r", account_id, row["pattern"])
    if len(_compiled) >= MAX_COMPILED:
        _compiled.clear()
    _compiled[key] = compiled = tuple(ready)
    return compiled


class _Budget:
    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        return self.ends - time.monotonic()


def _apply(rules, value: str, budget: _Budget) -> str:
    for rule in rules:
        if not value:
            return value
        left = budget.left()
        if left <= 0:
            log.warning("replacement rules ran out of time on one message; the rest were skipped")
            return value
        try:
            value = rule.sub(value, timeout=left)
        except TimeoutError:
            log.warning("replacement rule %r timed out; the text keeps what it was", rule.pattern.pattern)
    return value


def _apply_to_nodes(rules, nodes: list[str], budget: _Budget) -> list[str]:
    """Each rule on every text node that has text. A rule whose match cannot depend on a node's edges is first
    looked for in all the nodes joined: most rules match nothing in most messages, so most cost one search."""
    nodes = list(nodes)
    for rule in rules:
        left = budget.left()
        if left <= 0:
            log.warning("replacement rules ran out of time on one message; the rest were skipped")
            break
        try:
            if rule.context_free and not rule.found("\n".join(nodes), timeout=left):
                continue
            for index, node in enumerate(nodes):
                if node.strip():
                    nodes[index] = rule.sub(node, timeout=max(budget.left(), 0.001))
        except TimeoutError:
            log.warning("replacement rule %r timed out; the text keeps what it was", rule.pattern.pattern)
    return nodes


class _TextNodes(HTMLParser):
    """Splits HTML into its parts as they came; the text nodes (decoded) are listed apart, by their place, so they
    can be rewritten and put back escaped. Script and style content is left alone (the sanitiser removes it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.text_at: list[int] = []  # indexes in ``parts`` of the text nodes

    def handle_starttag(self, tag, attrs):
        self.parts.append(self.get_starttag_text() or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.cdata_elem:  # inside <script> or <style>
            self.parts.append(data)
        else:
            self.text_at.append(len(self.parts))
            self.parts.append(data)

    def handle_comment(self, data):
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.parts.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.parts.append(f"<![{data}]>")


def rewrite_html(html: str, change_nodes) -> str:
    """``html`` with its text nodes replaced by ``change_nodes(list of decoded texts) -> list``; tags, attributes
    and comments stay as they were, and each text is escaped again."""
    parser = _TextNodes()
    parser.feed(html)
    parser.close()
    parts = parser.parts
    before = [parts[i] for i in parser.text_at]
    after = change_nodes(before)
    if after == before:
        return html  # nothing matched: the markup exactly as it came
    for index, text in zip(parser.text_at, after, strict=True):
        parts[index] = escape(text, quote=False)
    return "".join(parts)


def rewrite_inbound(account_id: int, subject: str, text: str, html: str, *, channel: str = "") -> tuple[str, str, str]:
    """(subject, text, html) after the account's enabled rules for this channel, in order."""
    rules = [r for r in active_rules(account_id) if r.applies_to(channel)]
    if not rules:
        return subject, text, html
    budget = _Budget(BUDGET_SECONDS)
    subject_rules = [r for r in rules if r.in_subject]
    body_rules = [r for r in rules if r.in_body]
    if subject_rules and subject:
        subject = _apply(subject_rules, subject, budget)
    if body_rules:
        if text:
            text = _apply(body_rules, text, budget)
        if html:
            html = rewrite_html(html, lambda nodes: _apply_to_nodes(body_rules, nodes, budget))
    return subject, text, html


def _shows_text(html: str) -> bool:
    if not html.strip():
        return False
    found = []
    rewrite_html(html, lambda nodes: found.extend(n for n in nodes if n.strip()) or nodes)
    return bool(found)


def rewrite_message(*, ticket, kind: str, text: str, html_body: str) -> tuple[str, str, str | None]:
    """The hook in ``conversations.actions.receive_message`` (every inbound channel ends there): (text, html,
    new subject or None). The first message of a ticket brings the ticket's subject, so only then is the subject
    rewritten too. ``kind`` (the message kind: email, chat, form, …) is what a rule's channels filter on."""
    first = ticket.message_count == 0
    subject, new_text, new_html = rewrite_inbound(
        ticket.account_id, ticket.subject if first else "", text or "", html_body or "", channel=kind
    )
    if (new_text, new_html) != (text or "", html_body or "") and not new_text.strip() and not _shows_text(new_html):
        from django.utils.translation import gettext as _

        new_text = _("(empty message)")  # the rules removed everything: still a message, as in the pipeline
    changed_subject = subject.strip()[:255] if first and subject.strip() and subject != ticket.subject else None
    return new_text, new_html, changed_subject
