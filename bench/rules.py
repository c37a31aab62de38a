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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    main()
