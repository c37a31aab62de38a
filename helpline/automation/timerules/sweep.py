"""The time-rule sweep the scheduler runs every minute (helpline.automation.tasks).

For each enabled rule, in each account's order: the bound of its clock (``clocks.bound``), then the tickets whose
clock lies at or before the bound and after where the rule's last sweep stopped, read in keyset batches along the
(account, clock) index — only tickets whose clock has newly passed the threshold are read, however many tickets
the account has. Each is judged on the rule's conditions (the event rules' compiled conditions and lazily loaded
values); when they hold, a ``TimeRuleFiring`` (rule, ticket, clock value) is inserted in the same transaction as
the actions and the log entry. The firing's unique constraint is what makes the rule fire at most once per ticket
and state, also when two workers sweep at once: the second insert waits for the first transaction and is skipped.

The rule then remembers how far it got (``swept_at``, ``swept_id``). A changed rule starts again from the
beginning of the clock (judging every ticket that passed its threshold; the firings keep it from acting twice on
one state). A ticket is judged when its clock passes the threshold; when the conditions do not hold then, the
rule does not act on that state of the ticket (docs/automation.md: "Time rules").
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from helpline.automation.compiler import CompiledRule, compile_rule
from helpline.automation.context import RuleContext
from helpline.automation.engine import apply
from helpline.automation.fields import custom_kinds_of
from helpline.automation.models import RuleExecution, TimeRule, TimeRuleFiring
from helpline.automation.timerules import clocks
from helpline.core import clock as wall

log = logging.getLogger(__name__)

BATCH = 500  # tickets read per query
MAX_PER_RULE = 5_000  # tickets judged per rule and sweep; a backlog (a new rule on an old desk) spreads over sweeps
CONTEXT = ("department", "assignee", "brand", "contact__company", "account")


@dataclass
class Outcome:
    rules: int = 0
    judged: int = 0
    fired: int = 0
    skipped: int = 0  # held, but fired already for this state (another worker) or the clock moved meanwhile
    by_rule: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def sweep(now: datetime | None = None, *, account_id: int | None = None) -> Outcome:
    """Judge every enabled time rule (of one account, or of all); returns what it did."""
    now = now or wall.now()
    outcome = Outcome()
    rules = (
        TimeRule.objects.filter(enabled=True)
        .prefetch_related("calendar__holidays")
        .order_by("account_id", "position", "id")
    )
    if account_id is not None:
        rules = rules.filter(account_id=account_id)
    by_account: dict[int, list[TimeRule]] = defaultdict(list)
    for rule in rules:
        by_account[rule.account_id].append(rule)
    for account, account_rules in by_account.items():
        kinds = custom_kinds_of(account) if any(_reads_custom_fields(r) for r in account_rules) else {}
        stopped: set[int] = set()  # tickets a "stop" action took out of the later rules of this sweep
        for rule in account_rules:
            outcome.rules += 1
            sweep_rule(rule, compile_rule(rule, kinds), now, stopped, outcome)
    if outcome.fired:
        log.info("time rules: %s fired on %s judged tickets", outcome.fired, outcome.judged)
    return outcome


def _reads_custom_fields(rule: TimeRule) -> bool:
    return any(".field." in c["field"] for g in (rule.conditions or {}).get("groups", ()) for c in g["conditions"])


def rule_bound(rule: TimeRule, now: datetime) -> datetime | None:
    """None: no ticket qualifies (business hours whose calendar was deleted, or that never gather the wait)."""
    if rule.hours == TimeRule.BUSINESS_HOURS:
        if rule.calendar is None:
            return None
        return clocks.bound(timedelta(minutes=rule.after_minutes), now, rule.calendar.as_schedule())
    return clocks.bound(timedelta(minutes=rule.after_minutes), now)


def candidates(rule: TimeRule, upto: datetime, after: tuple[datetime, int] | None, limit: int):
    """(clock value, ticket id) of the next tickets past the threshold, in clock order: one index range."""
    from helpline.conversations.models import Ticket

    column = clocks.column(rule.clock)
    qs = Ticket.objects.filter(account_id=rule.account_id, **{f"{column}__lte": upto})
    if after is not None:
        at, pk = after
        qs = qs.filter(**{f"{column}__gte": at}).filter(Q(**{f"{column}__gt": at}) | Q(id__gt=pk))
    return list(qs.order_by(column, "id").values_list(column, "id")[:limit])


def sweep_rule(rule: TimeRule, compiled: CompiledRule, now: datetime, stopped: set[int], outcome: Outcome) -> None:
    from helpline.conversations.models import Ticket

    upto = rule_bound(rule, now)
    if upto is None:
        return
    after = (rule.swept_at, rule.swept_id) if rule.swept_at is not None else None
    judged = 0
    while judged < MAX_PER_RULE:
        rows = candidates(rule, upto, after, min(BATCH, MAX_PER_RULE - judged))
        if not rows:
            break
        tickets = Ticket.objects.select_related(*CONTEXT).in_bulk([pk for _at, pk in rows])
        for state, pk in rows:
            ticket = tickets.get(pk)
            if ticket is None or pk in stopped:
                continue
            judged += 1
            outcome.judged += 1
            if not compiled.matches(RuleContext(ticket)):
                continue
            fired = fire(rule, compiled, ticket, state)
            if fired:
                outcome.fired += 1
                outcome.by_rule[rule.pk] += 1
                if compiled.stops:
                    stopped.add(pk)
            else:
                outcome.skipped += 1
        after = rows[-1]
        _remember(rule, after)
        if len(rows) < BATCH:
            break


def _remember(rule: TimeRule, position: tuple[datetime, int]) -> None:
    """Move the rule's sweep position forward (never back: a slower worker leaves a later position alone)."""
    at, pk = position
    ahead = Q(swept_at__isnull=True) | Q(swept_at__lt=at) | Q(swept_at=at, swept_id__lt=pk)
    TimeRule.objects.filter(ahead, pk=rule.pk, updated_at=rule.updated_at).update(swept_at=at, swept_id=pk)
    rule.swept_at, rule.swept_id = at, pk


def fire(rule: TimeRule, compiled: CompiledRule, ticket, state: datetime) -> bool:
    """Record the firing and run the actions, in one transaction; False when this state fired already (or the
    ticket's clock moved since it was read)."""
    from helpline.conversations.models import Ticket

    column = clocks.column(rule.clock)
    with transaction.atomic():
        current = Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list(column, flat=True).first()
        if current != state:
            return False
        try:
            with transaction.atomic():
                TimeRuleFiring.objects.create(account_id=rule.account_id, rule=rule, ticket=ticket, state=state)
        except IntegrityError:
            return False
        ctx = RuleContext(ticket)
        apply(compiled, ctx, (), lambda outcome, results=(), error="": _log(rule, ticket, outcome, results, error))
    return True


def _log(rule: TimeRule, ticket, outcome: str, results=(), error: str = "") -> None:
    RuleExecution.objects.create(
        account_id=rule.account_id,
        time_rule=rule,
        rule_name=rule.name,
        ticket=ticket,
        event=f"time_rule.{rule.clock}",
        outcome=outcome,
        results=list(results),
        error=error[:2000],
    )
