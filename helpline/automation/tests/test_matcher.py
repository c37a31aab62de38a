"""The generated matcher agrees with the operators' own tests on every case, and keeps order, all/any and groups."""

from __future__ import annotations

import pytest

from helpline.automation.compiler import CompiledCondition, CompiledGroup, CompiledRule
from helpline.automation.matcher import build, typed
from helpline.automation.operators import compile_test
from helpline.automation.tests.test_operators import CASES


def _rule(index: int, groups, match_all: bool = True) -> CompiledRule:
    return CompiledRule(id=index, public_id=str(index), name=str(index), trigger="t", match_all=match_all,
                        groups=tuple(groups), actions=())  # fmt: skip


def _condition(field, op, value, ftype):
    return CompiledCondition(field, op, value, compile_test(op, value, ftype))


@pytest.mark.parametrize(("ftype", "op", "value", "actual", "expected"), CASES)
def test_every_operator_agrees_with_its_test(ftype, op, value, actual, expected):
    rule = _rule(0, [CompiledGroup(True, (_condition("x", op, value, ftype),))])
    match = build([rule], {"x": ftype})
    assert match({"x": typed(actual, ftype)}) == ([0] if expected else [])


def test_groups_all_any_and_order():
    subject = _condition("s", "contains", "fire", "text")
    urgent = _condition("p", "eq", "urgent", "choice")
    vip = _condition("t", "has", "vip", "list")
    rules = [
        _rule(0, [CompiledGroup(True, (subject, urgent))]),  # both
        _rule(1, [CompiledGroup(False, (subject, urgent))]),  # either
        _rule(2, [CompiledGroup(True, (subject,)), CompiledGroup(True, (vip,))], match_all=False),  # either group
        _rule(3, []),  # no conditions: always
        _rule(4, [CompiledGroup(True, (subject,)), CompiledGroup(True, (vip,))], match_all=True),  # both groups
    ]
    match = build(rules, {"s": "text", "p": "choice", "t": "list"})

    assert match({"s": "printer on fire", "p": "normal", "t": ()}) == [1, 2, 3]
    assert match({"s": "printer on fire", "p": "urgent", "t": ("vip",)}) == [0, 1, 2, 3, 4]
    assert match({"s": "paper jam", "p": "low", "t": ()}) == [3]


def test_user_text_never_becomes_source():
    evil = "__import__('os').system('false')"
    rule = _rule(0, [CompiledGroup(True, (_condition("s", "eq", evil, "text"),
                                          _condition("s", "matches", "'\"\\)", "text")))])  # fmt: skip
    match = build([rule], {"s": "text"})
    assert match({"s": evil.lower()}) == []  # equal, but no quote-paren for the pattern
    assert match({"s": evil.lower() + "'\")"}) == []  # the pattern holds, the equality does not
