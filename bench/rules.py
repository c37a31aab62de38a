"""Event rule evaluation cost: 1,000 active event rules on one account, per event.

    .venv/bin/python bench/rules.py                         # SQLite in a temp data dir
    .venv/bin/python bench/rules.py --rules 5000 --events 2000
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/rules.py                       # PostgreSQL: a helpline_bench_rules_* database

Every rule listens to "message received from the customer" (the worst case: each event judges all of them). Rule
n holds when (the subject, the message or the tags mention keyword n) and (the priority is normal or high) and (the
contact's email ends with one domain) — three to five conditions judged per rule, with the "any" group judged in
full when it fails. The target is under 2 ms per event for 1,000 rules.

Measured, per event (a customer message on one of 20 tickets):
  evaluate  the engine's work to decide which rules act: the rule-book version query, the compiled rules (cached
            per account and version), the ticket and the lazily loaded values, every rule's conditions;
  run       ``run_event_rules`` in full when 1% of the rules (every 100th keyword is in the message) act: their
            actions (add a tag) go through conversations.actions with audit rows and the execution log.
Plus the cold compile of the whole rule book (after any rule change).

Time-rule sweep (``--sweep``), on a database seeded by bench/inbox.py (1,000,000 tickets of account "bench" plus
100,000 of "other", spread over two years):

    .venv/bin/python bench/inbox.py --tickets 1000000 --data-dir var/bench1m --seed-only
    .venv/bin/python bench/rules.py --sweep --reuse --data-dir var/bench1m
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/inbox.py --tickets 1000000 --database-name helpline_bench_1m --seed-only
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/rules.py --sweep --reuse --database-name helpline_bench_1m

Eight time rules on "bench" (each clock, in calendar hours and in the business hours of a Mon–Fri 9–17 Berlin
calendar with a holiday; waits from 1 hour to 3 days; conditions on status and priority). Measured: the steady
sweep (every rule caught up to a minute ago: the tickets whose clock passed its threshold in the last minute),
the sweep after an hour without one, and the queries and tickets each reads — against the 1.1 M tickets in the
table. The sweep's rules then fire for real (tags); the rules and firings are removed again afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time

from inbox import configure, database_version, machine  # bench/ is sys.path[0]

TARGET_MS = 2.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1000, help="timed events per measurement")
    parser.add_argument("--data-dir", help="SQLite: data dir to use (default: a new temp dir)")
    parser.add_argument("--database-name", help="PostgreSQL: bench database name (default helpline_bench_rules_<n>)")
    parser.add_argument("--keep", action="store_true", help="keep the temp SQLite data dir")
    parser.add_argument("--json", help="write the result to this JSON file")
    parser.add_argument("--sweep", action="store_true", help="measure the time-rule sweep on a seeded database")
    parser.add_argument("--reuse", action="store_true", help="--sweep: the database seeded by bench/inbox.py")
    args = parser.parse_args(argv)
    if args.sweep:
        args.tickets = 1_000_000
        args.database_name = args.database_name or "helpline_bench_1000000"
        return sweep_main(args)
    args.reuse, args.tickets = False, args.rules
    args.database_name = args.database_name or f"helpline_bench_rules_{args.rules}"

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    vendor, cleanup = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        from helpline.automation import compiler
        from helpline.automation.actions import create_rule
        from helpline.automation.context import RuleContext
        from helpline.automation.engine import run_event_rules
        from helpline.automation.models import RuleExecution
        from helpline.conversations.actions import create_ticket, receive_message
        from helpline.core.actors import Actor
        from helpline.events import types as ev
        from helpline.people.actions import find_or_create_contact
        from helpline.tenancy.actions import create_account

        call_command("migrate", interactive=False, verbosity=0)
        account, owner, _password = create_account(
            slug="rules", name="Rules", owner_email="owner@rules.test", plan="enterprise", password="bench-only-pw-1"
        )
        log(f"creating {args.rules:,} event rules on {vendor}")
        actor = Actor(user=owner)
        for n in range(args.rules):
            create_rule(
                account=account, name=f"Rule {n}", trigger="customer_message", actor=actor,
                conditions={"match": "all", "groups": [
                    {"match": "any", "conditions": [
                        {"field": "ticket.subject", "op": "contains", "value": f"keyword{n}x"},
                        {"field": "message.body", "op": "contains", "value": f"keyword{n}x"},
                        {"field": "ticket.tags", "op": "has", "value": f"keyword{n}x"}]},
                    {"match": "all", "conditions": [
                        {"field": "ticket.priority", "op": "in", "value": ["normal", "high"]},
                        {"field": "contact.email", "op": "ends_with", "value": "@example.com"}]},
                ]},
                actions=[{"type": "add_tags", "tags": [f"matched{n}"]}],
            )  # fmt: skip
        tickets, messages = [], []
        for n in range(20):
            contact, _ = find_or_create_contact(account=account, kind="email", value=f"c{n}@example.com", name=f"C{n}")
            ticket = create_ticket(account=account, contact=contact, subject=f"Question {n}")
            quiet = receive_message(ticket=ticket, contact=contact, kind="web", text=f"Nothing to see {n}")
            matching = " ".join(f"keyword{k}x" for k in range(0, args.rules, 100))
            loud = receive_message(ticket=ticket, contact=contact, kind="web", text=f"About {matching}")
            tickets.append(ticket)
            messages.append((quiet, loud))

        def event(i: int, loud: bool):
            ticket = tickets[i % len(tickets)]
            message = messages[i % len(tickets)][1 if loud else 0]
            return ev.MessageReceived(account_id=account.pk, ticket_id=ticket.pk, message_id=message.pk, kind="web")

        compiler.forget(account.pk)
        start = time.perf_counter()
        compiler.rules_for(account.pk, "customer_message")
        compile_ms = (time.perf_counter() - start) * 1000

        def evaluate(e) -> int:
            rules = compiler.rules_for(e.account_id, "customer_message")
            ctx = RuleContext.for_event(e)
            return len(rules.matching(ctx))

        assert evaluate(event(0, False)) == 0
        assert evaluate(event(0, True)) == len(range(0, args.rules, 100))
        results = {}
        for name, loud in (("evaluate, no rule acts", False), ("evaluate, 1% of rules act", True)):
            times = []
            for i in range(args.events):
                start = time.perf_counter()
                evaluate(event(i, loud))
                times.append((time.perf_counter() - start) * 1000)
            results[name] = times
            log(f"{name}: mean {statistics.fmean(times):.3f} ms")
        for name, loud in (("conditions only, context loaded, no rule acts", False),
                           ("conditions only, context loaded, 1% act", True)):  # fmt: skip
            times = []
            rules = compiler.rules_for(account.pk, "customer_message")
            contexts = [RuleContext.for_event(event(i, loud)) for i in range(len(tickets))]
            for ctx in contexts:
                rules.matching(ctx)  # loads what the conditions read
            for i in range(args.events):
                ctx = contexts[i % len(contexts)]
                start = time.perf_counter()
                rules.matching(ctx)
                times.append((time.perf_counter() - start) * 1000)
            results[name] = times
            log(f"{name}: mean {statistics.fmean(times):.3f} ms")
        for name, loud in (("loading the context only (queries)", False),):
            times = []
            for i in range(args.events):
                e = event(i, loud)
                start = time.perf_counter()
                compiler.rules_for(e.account_id, "customer_message")
                ctx = RuleContext.for_event(e)
                for key in ("ticket.subject", "message.body", "ticket.tags", "ticket.priority", "contact.email"):
                    ctx.norm(key)
                times.append((time.perf_counter() - start) * 1000)
            results[name] = times
            log(f"{name}: mean {statistics.fmean(times):.3f} ms")
        from django.db import connection

        times = []
        for _i in range(args.events):  # what one round trip costs on this machine now, to read the numbers above by
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            times.append((time.perf_counter() - start) * 1000)
        results["calibration: one SELECT 1"] = times
        before = RuleExecution.objects.count()
        times = []
        runs = min(args.events, 200)
        for i in range(runs):
            e = event(i, True)
            start = time.perf_counter()
            with transaction.atomic():
                run_event_rules(e)
            times.append((time.perf_counter() - start) * 1000)
        results["run in full, 1% of rules act (tags, audit, log)"] = times
        assert RuleExecution.objects.count() - before == runs * len(range(0, args.rules, 100))

        def summary(values: list[float]) -> dict:
            ordered = sorted(values)
            return {"mean_ms": round(statistics.fmean(values), 3), "p50_ms": round(ordered[len(ordered) // 2], 3),
                    "p95_ms": round(ordered[int(len(ordered) * 0.95)], 3), "events": len(values)}  # fmt: skip

        report = {
            "rules": args.rules, "database": database_version(), "machine": machine(),
            "compile_ms": round(compile_ms, 1), "target_ms": TARGET_MS,
            "per_event": {name: summary(values) for name, values in results.items()},
        }  # fmt: skip
        print(json.dumps(report, indent=2))
        if args.json:
            with open(args.json, "w") as handle:
                json.dump(report, handle, indent=2)
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)


SWEEP_RULES = [  # (clock, minutes, hours, conditions)
    ("created", 60, "calendar", [{"field": "ticket.status", "op": "eq", "value": "new"}]),
    ("created", 24 * 60, "business", [{"field": "ticket.priority", "op": "in", "value": ["high", "urgent"]}]),
    ("customer_message", 4 * 60, "calendar", [{"field": "ticket.status", "op": "eq", "value": "open"}]),
    ("customer_message", 8 * 60, "business", [{"field": "ticket.status", "op": "in", "value": ["new", "open"]}]),
    ("agent_message", 3 * 24 * 60, "calendar", [{"field": "ticket.status", "op": "eq", "value": "answered"}]),
    ("agent_message", 16 * 60, "business", [{"field": "ticket.status", "op": "eq", "value": "answered"}]),
    ("status_changed", 2 * 24 * 60, "calendar", [{"field": "ticket.status", "op": "eq", "value": "postponed"}]),
    ("status_changed", 60, "business", [{"field": "ticket.status", "op": "eq", "value": "new"}]),
]


def sweep_main(args) -> None:
    """The time-rule sweep over a seeded database (see the module's doc)."""

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    vendor, _cleanup = configure(args)
    import django

    django.setup()
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpline.automation.actions import create_time_rule
    from helpline.automation.models import RuleExecution, TimeRule, TimeRuleFiring
    from helpline.automation.timerules import sweep as sweeping
    from helpline.calendars.models import BusinessCalendar, Holiday
    from helpline.conversations.models import Ticket
    from helpline.core import clock
    from helpline.core.actors import Actor
    from helpline.tenancy.models import Account

    call_command("migrate", interactive=False, verbosity=0)
    account = Account.objects.get(slug="bench")
    total = Ticket.objects.count()
    log(f"{vendor}: {total:,} tickets")
    if Ticket.objects.filter(status_changed_at__isnull=True).exists():  # a database seeded before the clocks
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE conversations_ticket SET status_changed_at = last_activity_at, "
                "last_customer_message_at = created_at, last_agent_message_at = first_response_at "
                "WHERE status_changed_at IS NULL"
            )
            cursor.execute("ANALYZE conversations_ticket")
        log(f"clocks filled from the seeded times in {time.perf_counter() - started:.0f}s")
    TimeRule.objects.filter(account=account).delete()
    calendar = BusinessCalendar.objects.filter(account=account, name="Bench office").first()
    if calendar is None:
        week = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
        calendar = BusinessCalendar.objects.create(account=account, name="Bench office", timezone="Europe/Berlin",
                                                   weekly=week)  # fmt: skip
        Holiday.objects.create(account=account, calendar=calendar, date=date(2026, 12, 25), recurring=True)
    rules = []
    for n, (clock_name, minutes, hours, conditions) in enumerate(SWEEP_RULES):
        rules.append(create_time_rule(
            account=account, name=f"Sweep {n}", clock=clock_name, after_minutes=minutes, hours=hours,
            calendar=calendar.public_id if hours == "business" else None,
            conditions={"groups": [{"conditions": conditions}]}, actions=[{"type": "add_tags", "tags": ["swept"]}],
            actor=Actor(),
        ))  # fmt: skip
    now = clock.now()

    def caught_up(behind: timedelta) -> None:
        """Every rule's position where a sweep ``behind`` ago left it."""
        for rule in TimeRule.objects.filter(account=account).select_related("calendar"):
            upto = sweeping.rule_bound(rule, now - behind)
            column = sweeping.clocks.column(rule.clock)
            edge = Ticket.objects.filter(account=account, **{f"{column}__lte": upto}).order_by(f"-{column}", "-id")
            last = edge.values_list(column, "id").first()
            TimeRule.objects.filter(pk=rule.pk).update(swept_at=last[0] if last else None,
                                                       swept_id=last[1] if last else 0)  # fmt: skip

    def measure(name: str, behind: timedelta, runs: int) -> dict:
        times, judged, queries = [], [], []
        for _run in range(runs):
            caught_up(behind)
            TimeRuleFiring.objects.filter(account=account).delete()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                outcome = sweeping.sweep(now, account_id=account.pk)
                times.append((time.perf_counter() - start) * 1000)
            judged.append(outcome.judged)
            queries.append(len(captured))
        result = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                  "tickets_judged": judged[0], "fired": outcome.fired, "queries": queries[0], "runs": runs}  # fmt: skip
        log(f"{name}: {result}")
        return result

    with connection.cursor() as cursor:  # the plan of one candidate query
        qs = Ticket.objects.filter(account=account, last_customer_message_at__lte=now).order_by(
            "last_customer_message_at", "id").values_list("last_customer_message_at", "id")[:500]  # fmt: skip
        sql, params = qs.query.sql_with_params()
        cursor.execute(("EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN ") + sql, params)
        plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    results = {
        "steady: caught up a minute ago": measure("steady sweep", timedelta(minutes=1), 5),
        "after an hour without a sweep": measure("an hour behind", timedelta(hours=1), 3),
    }
    report = {"database": database_version(), "tickets_in_table": total, "rules": len(rules), "machine": machine(),
              "sweep": results, "candidate_query_plan": plan, "target_s": 5}  # fmt: skip
    print(json.dumps(report, indent=2))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)
    RuleExecution.objects.filter(account=account, time_rule__isnull=False).delete()
    TimeRule.objects.filter(account=account).delete()


if __name__ == "__main__":
    main()
