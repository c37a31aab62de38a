"""All the rules of one trigger compiled into one Python function: given the event's values, which rules hold.

Judging 1,000 rules one closure at a time costs a few function calls per condition; here each condition is an
inline expression (``C3 in v[K3]``) and the whole list is one call, so an event costs microseconds per rule. The
generated source never contains anything a user typed: field keys, expected values and patterns are bound as
names (``K0``, ``C0``, ``R0`` …) in the function's namespace. Operators the generator does not inline call the
condition's own compiled test (helpline.automation.operators), so both paths agree by construction; a test checks
that they agree on every operator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from helpline.automation import fields as f
from helpline.automation.operators import _text

Matcher = Callable[[dict], list[int]]


def typed(value, ftype: str):
    """The value as the generated expressions expect it: text and choices as lower-cased strings ("" for none),
    lists as tuples of lower-cased strings, numbers and booleans as they are."""
    if ftype in (f.TEXT, f.CHOICE):
        if value is None:
            return ""
        return value.lower() if type(value) is str else _text(value)
    if ftype == f.LIST:
        return () if value is None else tuple(_text(item) for item in value)
    return value


_TEXT_OPS = {
    "eq": "({a} == {c})",
    "ne": "({a} != {c})",
    "contains": "({c} in {a})",
    "not_contains": "({c} not in {a})",
    "starts_with": "{a}.startswith({c})",
    "ends_with": "{a}.endswith({c})",
    "is_empty": "(not {a})",
    "is_not_empty": "(not not {a})",
}
_LIST_OPS = {
    "has": "({c} in {a})",
    "has_not": "({c} not in {a})",
    "contains": "any({c} in item for item in {a})",
    "not_contains": "(not any({c} in item for item in {a}))",
    "is_empty": "(not {a})",
    "is_not_empty": "(not not {a})",
}


class _Source:
    def __init__(self):
        self.names: dict[str, object] = {"any": any}
        self._keys: dict[str, str] = {}

    def bind(self, prefix: str, value) -> str:
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def key(self, field: str) -> str:
        if field not in self._keys:
            self._keys[field] = self.bind("K", field)
        return self._keys[field]

    def condition(self, c, ftype: str) -> str:
        a = f"v[{self.key(c.field)}]"
        if ftype in (f.TEXT, f.CHOICE):
            if c.op in _TEXT_OPS:
                return _TEXT_OPS[c.op].format(a=a, c=self.bind("C", _text(c.value)))
            if c.op == "matches":
                return f"({self.bind('R', re.compile(c.value, re.IGNORECASE))}.search({a}) is not None)"
            if c.op in ("in", "not_in"):
                values = self.bind("S", frozenset(_text(v) for v in c.value))
                return f"({a} {'in' if c.op == 'in' else 'not in'} {values})"
        if ftype == f.LIST and c.op in _LIST_OPS:
            return _LIST_OPS[c.op].format(a=a, c=self.bind("C", _text(c.value)))
        return f"{self.bind('T', c.test)}({a})"


def _join(parts: Sequence[str], all_: bool) -> str:
    if not parts:
        return "True"
    return "(" + (" and " if all_ else " or ").join(parts) + ")"


def build(rules: Sequence, field_types: dict[str, str]) -> Matcher:
    """One function ``match(values) -> [indexes of the rules that hold]`` for these compiled rules, in order."""
    source = _Source()
    lines = ["def match(v):", "    out = []"]
    for index, rule in enumerate(rules):
        groups = [
            _join([source.condition(c, field_types[c.field]) for c in g.conditions], g.match_all) for g in rule.groups
        ]
        lines.append(f"    if {_join(groups, rule.match_all)}: out.append({index})")
    lines.append("    return out")
    namespace = dict(source.names)
    exec(compile("\n".join(lines), "<event rules>", "exec"), namespace)  # noqa: S102 - no user text in the source
    return namespace["match"]
