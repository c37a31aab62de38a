"""Condition operators compiled to small functions of the actual value. Text compares ignore case (the context
hands over text lower-cased, see RuleContext.norm); on a list field (tags, groups) a text operator holds when any
element satisfies it, a negated one when none does."""

from __future__ import annotations

import re
from collections.abc import Callable

Test = Callable[[object], bool]


def _text(actual) -> str:
    if actual is None:
        return ""
    if isinstance(actual, bool):
        return "true" if actual else "false"
    if isinstance(actual, float) and actual.is_integer():
        return str(int(actual))
    return str(actual).lower()


def normalize(value):
    """A value as the tests compare it: text lower-cased, lists as tuples of lower-cased text."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list | tuple):
        return tuple(v.lower() if isinstance(v, str) else v for v in value)
    return value


def _number(actual) -> float | None:
    if isinstance(actual, bool) or actual is None:
        return None
    try:
        return float(actual)
    except (TypeError, ValueError):
        return None


def _empty(actual) -> bool:
    return actual is None or actual == "" or actual == [] or actual == ()


def _on_text(predicate: Callable[[str], bool]) -> Test:
    """Apply a text predicate to a value, or to each element of a list (true when any element holds)."""

    def test(actual) -> bool:
        if type(actual) is str:  # the common case, already lower-cased by the context
            return predicate(actual)
        if isinstance(actual, list | tuple):
            return any(predicate(_text(item)) for item in actual)
        return predicate(_text(actual))

    return test


def _negate(test: Test) -> Test:
    return lambda actual: not test(actual)


def compile_test(op: str, value, ftype: str) -> Test:
    """A function of the actual value (``normalize``d) that says whether the condition holds."""
    if op == "is_empty":
        return _empty
    if op == "is_not_empty":
        return lambda actual: not _empty(actual)
    if op == "is_true":
        return lambda actual: actual is True or _text(actual) in ("true", "1", "yes", "on")
    if op == "is_false":
        return lambda actual: not (actual is True or _text(actual) in ("true", "1", "yes", "on"))
    if ftype == "number" and op in ("eq", "ne", "gt", "gte", "lt", "lte"):
        return _compare(op, float(value))
    if op in ("in", "not_in"):
        wanted = frozenset(_text(v) for v in value)
        test = _on_text(wanted.__contains__)
        return test if op == "in" else _negate(test)
    if op == "matches":
        pattern = re.compile(value, re.IGNORECASE)
        return _on_text(lambda text: pattern.search(text) is not None)
    expected = _text(value)
    positive = {
        "eq": "eq",
        "ne": "eq",
        "has": "eq",
        "has_not": "eq",
        "contains": "contains",
        "not_contains": "contains",
        "starts_with": "starts_with",
        "ends_with": "ends_with",
    }[op]
    predicate = {
        "eq": expected.__eq__,
        "contains": lambda text: expected in text,
        "starts_with": lambda text: text.startswith(expected),
        "ends_with": lambda text: text.endswith(expected),
    }[positive]
    test = _on_text(predicate)
    return _negate(test) if op in ("ne", "has_not", "not_contains") else test


def _compare(op: str, expected: float) -> Test:
    compare = {
        "eq": expected.__eq__,
        "ne": expected.__ne__,
        "gt": lambda a: a > expected,
        "gte": lambda a: a >= expected,
        "lt": lambda a: a < expected,
        "lte": lambda a: a <= expected,
    }[op]

    def test(actual) -> bool:
        number = _number(actual)
        if number is None:
            return op == "ne"
        return bool(compare(number))

    return test
