"""Every condition operator on every type it applies to."""

from __future__ import annotations

import pytest

from helpline.automation.operators import compile_test, normalize

CASES = [
    # text
    ("text", "eq", "Invoice", "invoice", True),
    ("text", "eq", "Invoice", "invoices", False),
    ("text", "ne", "Invoice", "refund", True),
    ("text", "ne", "Invoice", "INVOICE", False),
    ("text", "contains", "fire", "Printer on FIRE", True),
    ("text", "contains", "fire", None, False),
    ("text", "not_contains", "fire", "Printer jammed", True),
    ("text", "not_contains", "fire", "fire!", False),
    ("text", "starts_with", "re:", "RE: your order", True),
    ("text", "starts_with", "re:", "Fwd: re:", False),
    ("text", "ends_with", ".test", "a@b.TEST", True),
    ("text", "ends_with", ".test", "a@b.com", False),
    ("text", "matches", r"order #\d{4}\b", "About Order #1234 please", True),
    ("text", "matches", r"order #\d{4}\b", "About order #12", False),
    ("text", "is_empty", None, "", True),
    ("text", "is_empty", None, None, True),
    ("text", "is_empty", None, "x", False),
    ("text", "is_not_empty", None, "x", True),
    ("text", "is_not_empty", None, None, False),
    # choice / reference
    ("choice", "eq", "open", "open", True),
    ("choice", "eq", "open", "new", False),
    ("choice", "ne", "open", None, True),
    ("choice", "in", ["new", "open"], "open", True),
    ("choice", "in", ["new", "open"], "resolved", False),
    ("choice", "not_in", ["new", "open"], "resolved", True),
    ("choice", "not_in", ["new", "open"], "new", False),
    ("choice", "is_empty", None, None, True),
    ("choice", "is_not_empty", None, "dep1", True),
    # number
    ("number", "eq", 3, 3, True),
    ("number", "eq", 3, 3.5, False),
    ("number", "ne", 3, 4, True),
    ("number", "ne", 3, None, True),
    ("number", "gt", 3, 4, True),
    ("number", "gt", 3, 3, False),
    ("number", "gte", 3, 3, True),
    ("number", "gte", 3, None, False),
    ("number", "lt", 3, 2, True),
    ("number", "lt", 3, 3, False),
    ("number", "lte", 3, 3, True),
    ("number", "lte", 3, 4, False),
    ("number", "is_empty", None, None, True),
    ("number", "is_not_empty", None, 0, True),
    # list
    ("list", "has", "VIP", ["vip", "billing"], True),
    ("list", "has", "vip", ["vips"], False),
    ("list", "has_not", "vip", ["billing"], True),
    ("list", "has_not", "vip", ["vip"], False),
    ("list", "contains", "bill", ["vip", "billing"], True),
    ("list", "contains", "bill", ["vip"], False),
    ("list", "not_contains", "bill", ["vip"], True),
    ("list", "not_contains", "bill", ["billing"], False),
    ("list", "is_empty", None, [], True),
    ("list", "is_empty", None, ["x"], False),
    ("list", "is_not_empty", None, ["x"], True),
    # bool
    ("bool", "is_true", None, True, True),
    ("bool", "is_true", None, False, False),
    ("bool", "is_true", None, None, False),
    ("bool", "is_false", None, False, True),
    ("bool", "is_false", None, None, True),
    ("bool", "is_false", None, True, False),
]


@pytest.mark.parametrize(("ftype", "op", "value", "actual", "expected"), CASES)
def test_operator(ftype, op, value, actual, expected):
    assert compile_test(op, value, ftype)(normalize(actual)) is expected


def test_every_operator_is_covered():
    from helpline.automation.fields import OPERATORS, OPERATORS_OF_TYPE

    covered = {(ftype, op) for ftype, op, *_rest in CASES}
    assert covered == {(ftype, op) for ftype, ops in OPERATORS_OF_TYPE.items() for op in ops}
    assert {op for _ftype, op in covered} == set(OPERATORS)
