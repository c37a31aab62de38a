"""Turning a stored rule into a compiled one, and refusing rules that cannot work.

Regular expressions use the ``regex`` module (the syntax of Python's ``re``, plus a ``timeout`` on every
search): a pattern that backtracks catastrophically on some message is stopped, and the message keeps the
text it had before that rule. Replacements of regular expressions may name groups: ``\\1`` or ``\\g<name>``.
Plain-text rules replace literally (a backslash in the replacement is just a backslash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.replacements.models import MAX_PATTERN, MAX_REPLACEMENT

GROUP_REFERENCE = regex.compile(r"\\(?:(\d+)|g<([^>]*)>)")


class InvalidRule(DomainError):
    """A rule that cannot be saved; ``field`` names the bad value (``pattern``, ``replacement``, ``channels``)."""

    status = 422
    code = "invalid_rule"

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


# Zero-width context (anchors, negative lookarounds) and atomic or possessive parts: such a pattern may match a text
# node alone but not the same text among others, so it is tried on every node rather than on all of them first.
CONTEXTUAL = regex.compile(r"[\^$]|\\[AZzG]|\(\?<?!|\(\?>|[*+?}]\+")


@dataclass(frozen=True)
class CompiledRule:
    pattern: regex.Pattern
    replacement: str
    is_regex: bool
    in_subject: bool
    in_body: bool
    channels: frozenset[str]
    literal: re.Pattern | None = None  # a plain-text rule: stdlib re on the escaped text (linear, no timeout needed)
    context_free: bool = True  # a match inside one text node is also a match in all of them joined by newlines

    def applies_to(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def sub(self, value: str, *, timeout: float) -> str:
        if self.literal is not None:
            replacement = self.replacement
            return self.literal.sub(lambda _match: replacement, value)
        return self.pattern.sub(self.replacement, value, timeout=timeout)

    def found(self, value: str, *, timeout: float) -> bool:
        if self.literal is not None:
            return self.literal.search(value) is not None
        return self.pattern.search(value, timeout=timeout) is not None


def compile_pattern(pattern: str, *, is_regex: bool, case_sensitive: bool) -> regex.Pattern:
    """The compiled pattern; InvalidRule("pattern", …) saying what is wrong with it."""
    if not pattern:
        raise InvalidRule("pattern", _("Enter the text to search for."))
    if len(pattern) > MAX_PATTERN:
        raise InvalidRule("pattern", _("Use at most %(n)d characters for the search.") % {"n": MAX_PATTERN})
    flags = regex.V0 | (0 if case_sensitive else regex.IGNORECASE)
    try:
        compiled = regex.compile(pattern if is_regex else regex.escape(pattern), flags)
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        raise InvalidRule(
            "pattern", _("This is not a valid regular expression: %(error)s.") % {"error": str(exc)}
        ) from exc
    if is_regex and compiled.fullmatch("") is not None:
        raise InvalidRule("pattern", _("The regular expression must not match empty text."))
    return compiled


def check_replacement(compiled: regex.Pattern, replacement: str, *, is_regex: bool) -> None:
    """Group references of a regular expression's replacement must name groups the pattern has."""
    if len(replacement) > MAX_REPLACEMENT:
        raise InvalidRule(
            "replacement", _("Use at most %(n)d characters for the replacement.") % {"n": MAX_REPLACEMENT}
        )
    if not is_regex:
        return
    for number, name in GROUP_REFERENCE.findall(replacement):
        if number:
            if int(number) > compiled.groups:
                raise InvalidRule(
                    "replacement",
                    _("The replacement refers to group %(group)s, but the expression has %(n)d groups.")
                    % {"group": number, "n": compiled.groups},
                )
        elif not (name.isdigit() and int(name) <= compiled.groups) and name not in compiled.groupindex:
            raise InvalidRule(
                "replacement",
                _("The replacement refers to a group named %(group)s that the expression lacks.") % {"group": name},
            )
    try:  # the template is parsed at the first match: make one with the same groups (an empty branch adds none)
        trial = regex.compile(f"(?:{compiled.pattern})|", compiled.flags)
    except regex.error:
        return  # e.g. inline flags that must stay first: the group check above is all we can do
    try:
        trial.sub(replacement, "", count=1)
    except (regex.error, IndexError) as exc:
        raise InvalidRule("replacement", _("The replacement is not valid: %(error)s.") % {"error": str(exc)}) from exc


def compile_rule(rule) -> CompiledRule:
    """A stored rule (or anything with its fields) made ready to run."""
    pattern = compile_pattern(rule.pattern, is_regex=rule.is_regex, case_sensitive=rule.case_sensitive)
    check_replacement(pattern, rule.replacement, is_regex=rule.is_regex)
    literal = None
    if not rule.is_regex:
        literal = re.compile(re.escape(rule.pattern), 0 if rule.case_sensitive else re.IGNORECASE)
    return CompiledRule(
        pattern=pattern,
        replacement=rule.replacement,
        is_regex=rule.is_regex,
        in_subject=rule.in_subject,
        in_body=rule.in_body,
        channels=frozenset(rule.channels or ()),
        literal=literal,
        context_free=not rule.is_regex or CONTEXTUAL.search(rule.pattern) is None,
    )
