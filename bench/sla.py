"""SLA costs: the clock's work per ticket event, and the minute's warning/breach sweep over many running clocks.

    .venv/bin/python bench/sla.py                                  # SQLite in a temp data dir, 100,000 clocks
    .venv/bin/python bench/sla.py --clocks 1000000
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/sla.py                                # PostgreSQL: a helpline_bench_sla_* database

Measured:
  event      ``track_sla`` on a customer message (the subscriber's whole work: lock, recompute, save, mirror the due
             time on the ticket) for a ticket with a level (Mon–Fri 9–17 Prague calendar with a holiday), and for
             a ticket of an account without SLA (the common case: one read, no lock);
  sweep      ``fire_due_alarms`` when ``--due`` of ``--clocks`` running clocks reached their warning or due time
             in the last minute (the steady state), and when nothing is due: it reads only the rows whose
             ``next_check_at`` has come (index sla_state_next_check), whatever the number of clocks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from inbox import configure, database_version, machine  # bench/ is sys.path[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=200, help="clocks whose alarm came in the last minute")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--data-dir")
    parser.add_argument("--database-name")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    args.tickets, args.reuse = args.clocks, False
    args.database_name = args.database_name or f"helpline_bench_sla_{args.clocks}"
    vendor, cleanup = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = run(args, vendor)
        print(json.dumps(result, indent=2))
        if args.json:
            with open(args.json, "w") as out:
                json.dump(result, out, indent=2)
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)


def run(args, vendor: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpline.calendars.models import BusinessCalendar, Holiday
    from helpline.conversations.actions import create_ticket, receive_message
    from helpline.conversations.models import Ticket
    from helpline.core import clock
    from helpline.core.actors import SYSTEM
    from helpline.events import types as ev
    from helpline.people.actions import find_or_create_contact
    from helpline.sla import actions
    from helpline.sla.actions import alarms
    from helpline.sla.models import SlaState
    from helpline.sla.subscribers import track_sla
    from helpline.tenancy.actions import create_account

    alarms.publish_on_commit = lambda event: None  # measure the sweep, not the rules the events would run
    account, _owner, _pw = create_account(slug="bench-sla", name="SLA", owner_email="o@sla.bench", plan="enterprise")
    plain, _o, _p = create_account(slug="bench-plain", name="Plain", owner_email="o@plain.bench", plan="enterprise")
    calendar = BusinessCalendar.objects.create(account=account, name="Prague", timezone="Europe/Prague",
                                               weekly={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu",
                                                                                          "fri")})  # fmt: skip
    Holiday.objects.create(account=account, calendar=calendar, date=datetime(2026, 12, 24).date())
    level = actions.create_level(account=account, name="Gold", calendar=calendar.public_id, warning_value=30,
                                 targets={"first_response": {"normal": 240}, "next_response": {"normal": 240},
                                          "resolution": {"normal": 2400}}, actor=SYSTEM)  # fmt: skip
    actions.create_rule(account=account, name="All", level=level.public_id, actor=SYSTEM)

    def ticket_of(acct, n):
        contact, _ = find_or_create_contact(account=acct, kind="email", value=f"c{n}@bench.test")
        ticket = create_ticket(account=acct, contact=contact, subject=f"T{n}")
        receive_message(ticket=ticket, contact=contact, kind="web", text="hello")
        return ticket

    def per_event(acct, label):
        tickets = [ticket_of(acct, f"{label}{i}") for i in range(20)]
        for t in tickets:
            track_sla(ev.TicketCreated(account_id=acct.pk, ticket_id=t.pk, channel="web"))
        times, queries = [], 0
        for i in range(args.events):
            t = tickets[i % len(tickets)]
            event = ev.MessageReceived(account_id=acct.pk, ticket_id=t.pk, message_id=0)
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                track_sla(event)
                times.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        p95 = sorted(times)[int(len(times) * 0.95)]
        return {"median_ms": round(statistics.median(times), 3), "p95_ms": round(p95, 3), "queries": queries}

    events = {"with_level": per_event(account, "a"), "without_sla": per_event(plain, "b")}

    # Seed running clocks: one template ticket's clock copied onto many tickets, their alarms spread over a week.
    template = ticket_of(account, "template")
    actions.sync_ticket_clock(account_id=account.pk, ticket_id=template.pk, choose=True)
    base = SlaState.objects.get(ticket=template)
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    seed_start = time.perf_counter()
    batch = 5000
    for offset in range(0, args.clocks, batch):
        count = min(batch, args.clocks - offset)
        made = Ticket.objects.bulk_create([
            Ticket(account=account, contact_id=template.contact_id, subject="s", last_activity_at=now, status="open")
            for _ in range(count)
        ])  # fmt: skip
        states = []
        for i, t in enumerate(made):
            n = offset + i
            due = now - timedelta(seconds=30) if n < args.due else now + timedelta(minutes=1 + n % 10_000)
            state = SlaState(**{f.attname: getattr(base, f.attname) for f in SlaState._meta.concrete_fields
                                if f.attname not in ("id", "ticket_id")})  # fmt: skip
            state.ticket_id, state.fr_due_at, state.next_check_at = t.pk, due, due
            state.fr_warn_at, state.fr_warned_at = due - timedelta(minutes=30), due - timedelta(minutes=30)
            states.append(state)
        SlaState.objects.bulk_create(states)
    seed_s = time.perf_counter() - seed_start

    clock.now = lambda: now
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        fired = actions.fire_due_alarms(now=now)
        steady = time.perf_counter() - start
    steady_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        idle_fired = actions.fire_due_alarms(now=now)
        idle = time.perf_counter() - start
    return {
        "vendor": vendor,
        "database": database_version(),
        "machine": machine(),
        "clocks": args.clocks,
        "seed_s": round(seed_s, 1),
        "event": events,
        "sweep_steady": {"due": args.due, "fired": fired, "ms": round(steady * 1000, 1), "queries": steady_queries},
        "sweep_idle": {"fired": idle_fired, "ms": round(idle * 1000, 2), "queries": len(captured)},
    }


if __name__ == "__main__":
    sys.exit(main())
