"""Rules compiled once per account and rule-book version, indexed by trigger.

The engine asks ``rules_for(account_id, trigger)``: one query reads the account's rule-book version; only when it
moved (a rule was created, changed, reordered or deleted, in this process or another) are the enabled rules loaded
and compiled again. Evaluating a compiled rule is plain Python on the event's context: no query per rule.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from helpline.automation import fields as f
from helpline.automation.matcher import build, typed
from helpline.automation.operators import Test, compile_test


@dataclass(frozen=True)
class CompiledCondition:
    field: str
    op: str
    value: object
    test: Test


@dataclass(frozen=True)
class CompiledGroup:
    match_all: bool
    conditions: tuple[CompiledCondition, ...]

    def holds(self, ctx) -> bool:
        results = (c.test(ctx.norm(c.field)) for c in self.conditions)
        return all(results) if self.match_all else any(results)


@dataclass(frozen=True)
class CompiledRule:
    id: int
    public_id: str
    name: str
    trigger: str
    match_all: bool
    groups: tuple[CompiledGroup, ...]
    actions: tuple[dict, ...]
    kind: str = "event"  # or "time" (helpline.automation.models.TimeRule)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def chain_id(self) -> int:
        """The rule in a causation chain: event rules by their id, time rules by minus theirs (never equal)."""
        return self.id if self.kind == "event" else -self.id

    @property
    def stops(self) -> bool:
        return any(action["type"] == "stop" for action in self.actions)

    def matches(self, ctx) -> bool:
        """The reference judgement (dry runs); events use the generated matcher, tested to agree."""
        if not self.groups:
            return True
        results = (group.holds(ctx) for group in self.groups)
        return all(results) if self.match_all else any(results)


def compile_conditions(conditions: dict, custom_kinds: dict) -> tuple[bool, tuple[CompiledGroup, ...]]:
    groups = []
    for group in conditions.get("groups") or ():
        compiled = []
        for c in group.get("conditions") or ():
            ftype = f.field_type(c["field"], custom_kinds) or f.TEXT  # a deleted custom field compares as text
            compiled.append(
                CompiledCondition(c["field"], c["op"], c.get("value"), compile_test(c["op"], c.get("value"), ftype))
            )
        if compiled:
            groups.append(CompiledGroup(group.get("match", "all") == "all", tuple(compiled)))
    return conditions.get("match", "all") == "all", tuple(groups)  # fmt: skip


def compile_rule(rule, custom_kinds: dict) -> CompiledRule:
    """An event rule, or a time rule (``kind`` "time", its trigger the clock it measures)."""
    from helpline.automation.models import TimeRule

    match_all, groups = compile_conditions(rule.conditions or {}, custom_kinds)
    timed = isinstance(rule, TimeRule)
    return CompiledRule(
        id=rule.pk,
        public_id=rule.public_id,
        name=rule.name,
        trigger=rule.clock if timed else rule.trigger,
        match_all=match_all,
        groups=groups,
        actions=tuple(rule.actions or ()),
        kind="time" if timed else "event",
    )


@dataclass(frozen=True)
class TriggerRules:
    """The enabled rules of one trigger, in order, with the fields they read (and their types) and one generated
    function that judges them all (helpline.automation.matcher)."""

    rules: tuple[CompiledRule, ...]
    field_types: dict[str, str]
    matcher: Callable[[dict], list[int]]

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matching(self, ctx) -> list[CompiledRule]:
        """The rules whose conditions hold in this context, in order."""
        values = {key: typed(ctx.get(key), ftype) for key, ftype in self.field_types.items()}
        return [self.rules[index] for index in self.matcher(values)]


def trigger_rules(rules: list[CompiledRule], custom_kinds: dict) -> TriggerRules:
    field_types = {
        c.field: f.field_type(c.field, custom_kinds) or f.TEXT
        for rule in rules
        for group in rule.groups
        for c in group.conditions
    }
    return TriggerRules(tuple(rules), field_types, build(rules, field_types))


NO_RULES = TriggerRules((), {}, lambda values: [])


@dataclass(frozen=True)
class CompiledBook:
    version: int
    by_trigger: dict[str, TriggerRules]


_books: dict[int, CompiledBook] = {}
_lock = threading.Lock()


VERSION_TTL = 60  # seconds a cached rule-book version is trusted without asking the database
NO_BOOK = 0  # cached: the account has no rule book (no rule was ever made)


def _version_key(account_id: int) -> str:
    return f"automation:rule-book:{account_id}"


def current_version(account_id: int) -> int | None:
    """The account's rule-book version: from the cache (shared by all processes on the scale-out shape: Redis) or,
    when it is not there, from the database (then cached). A rule change puts the new version in the cache once
    its transaction commits (``publish_version``), so no process compiles a book before its rules are visible."""
    from django.core.cache import cache

    from helpline.automation.models import RuleBook

    key = _version_key(account_id)
    version = cache.get(key)
    if version is None:
        version = RuleBook.objects.filter(account_id=account_id).values_list("version", flat=True).first() or NO_BOOK
        cache.add(key, version, VERSION_TTL)  # add: never over a newer version a change put there meanwhile
    return None if version == NO_BOOK else version


def publish_version(account_id: int, version: int | None) -> None:
    """After the change's commit: every process sees the new version on its next event (None: forget the cached
    one, so the next event asks the database)."""
    from django.core.cache import cache

    if version is None:
        cache.delete(_version_key(account_id))
    else:
        cache.set(_version_key(account_id), version, VERSION_TTL)


def load_book(account_id: int, version: int) -> CompiledBook:
    from helpline.automation.models import Rule
    from helpline.tenancy.models import Account

    rules = list(Rule.objects.filter(account_id=account_id, enabled=True).order_by("position", "id"))
    kinds = f.custom_kinds_of(Account(pk=account_id)) if rules else {}
    by_trigger: dict[str, list[CompiledRule]] = {}
    for rule in rules:
        by_trigger.setdefault(rule.trigger, []).append(compile_rule(rule, kinds))
    return CompiledBook(version, {trigger: trigger_rules(items, kinds) for trigger, items in by_trigger.items()})


def rules_for(account_id: int, trigger: str) -> TriggerRules:
    """The account's enabled rules for ``trigger``, in order (falsy when there are none)."""
    version = current_version(account_id)
    if version is None:
        return NO_RULES
    book = _books.get(account_id)
    if book is None or book.version != version:
        book = load_book(account_id, version)
        with _lock:
            _books[account_id] = book
    return book.by_trigger.get(trigger, NO_RULES)


def forget(account_id: int) -> None:
    """Drop this process's compiled rules of the account (other processes notice the version moved)."""
    with _lock:
        _books.pop(account_id, None)
