"""Bulk-resolve throughput: one bulk job resolving 10,000 tickets, as the task worker runs it.

    .venv/bin/python bench/bulk.py                          # SQLite, 10,000 tickets, in a temp data dir
    .venv/bin/python bench/bulk.py --tickets 50000
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/bulk.py                        # PostgreSQL: a helpline_bench_bulk_* database

Seeds the help desk of bench/inbox.py (bench/seeding.py), opens every ticket of the measured account (set-up,
not timed), starts one bulk job "resolve every open ticket" by filter, and times `run_bulk_job` in this process:
each ticket goes through conversations.actions.change_status (row lock, update, audit row, events after each
chunk's commit: the live refresh and the "resolved" notice check). The target is more than 1,000 tickets a second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from inbox import configure, database_version, machine, vacuum_once  # bench/ is sys.path[0]
from seeding import seed

TARGET_PER_SECOND = 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets of the measured account, all resolved")
    parser.add_argument("--data-dir", help="SQLite: data dir to use (default: a new temp dir)")
    parser.add_argument("--database-name", help="PostgreSQL: bench database name (default helpline_bench_bulk_<n>)")
    parser.add_argument("--keep", action="store_true", help="keep the temp SQLite data dir")
    parser.add_argument("--json", help="write the result to this JSON file")
    parser.add_argument("--profile", action="store_true", help="print where the run spends its time (cProfile)")
    parser.add_argument(
        "--with",
        dest="configured",
        choices=["nothing", "rule", "webhook"],
        default="nothing",
        help="configure an enabled status_changed event rule, or a webhook subscribed to ticket.status_changed",
    )
    args = parser.parse_args(argv)
    args.reuse = False
    args.database_name = args.database_name or f"helpline_bench_bulk_{args.tickets}"

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    vendor, cleanup = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from helpline.bulk.actions import run_bulk_job, start_bulk_job
        from helpline.conversations.models import Ticket
        from helpline.conversations.selectors import TicketFilter
        from helpline.core.actors import Actor
        from helpline.security.models import AuditEntry
        from helpline.tenancy.models import Account, Membership

        call_command("migrate", interactive=False, verbosity=0)
        log(f"seeding {args.tickets:,} tickets on {vendor}")
        seed(args.tickets, log=log)
        if vendor == "postgresql":
            vacuum_once(log)
        account = Account.objects.get(slug="bench")
        owner = Membership.objects.filter(account=account, role="owner").select_related("user").get().user
        Ticket.objects.filter(account=account).update(status="open", resolved_at=None, merged_into=None)
        configure_subscriber(args.configured, account, owner)
        audit_before = AuditEntry.objects.count()

        started = time.perf_counter()
        job = start_bulk_job(
            account=account, action="resolve", ticket_filter=TicketFilter(status="open"), actor=Actor(user=owner)
        )
        selected = time.perf_counter() - started
        log(f"job {job.public_id}: {job.total:,} tickets selected in {selected:.2f} s; running")
        server_cpu_started = server_cpu()
        run_started, cpu_started = time.perf_counter(), time.process_time()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            job = profiler.runcall(run_bulk_job, job_id=job.pk)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            job = run_bulk_job(job_id=job.pk)
        seconds = time.perf_counter() - run_started
        cpu_seconds = time.process_time() - cpu_started
        server_cpu_seconds = server_cpu() - server_cpu_started
        resolved = Ticket.objects.filter(account=account, status="resolved").count()
        audit_rows = AuditEntry.objects.count() - audit_before - 1  # minus the job's own row
        per_second = round(job.done / seconds) if seconds else 0
        result = {
            "machine": machine(),
            "database": database_version(),
            "tickets": job.total,
            "done": job.done,
            "failed": job.failed,
            "resolved_after": resolved,
            "audit_rows": audit_rows,
            "select_seconds": round(selected, 2),
            "run_seconds": round(seconds, 2),
            "tickets_per_second": per_second,
            "cpu_seconds": round(cpu_seconds, 2),
            "tickets_per_cpu_second": round(job.done / cpu_seconds) if cpu_seconds else 0,
            "configured": args.configured,
            "rule_executions": rule_executions(account),
            "webhook_deliveries": webhook_deliveries(account),
            "server_cpu_seconds": round(server_cpu_seconds, 2),
            "tickets_per_cpu_second_with_server": round(job.done / (cpu_seconds + server_cpu_seconds))
            if cpu_seconds
            else 0,
            "target_met": per_second > TARGET_PER_SECOND,
        }
        result["machine"]["load_average_after"] = os.getloadavg()
        print(
            f"{result['database']}: bulk-resolved {job.done:,} of {job.total:,} tickets in {seconds:.2f} s = "
            f"{per_second:,} tickets/s, {result['tickets_per_cpu_second']:,} per CPU-second of this process, "
            f"{result['tickets_per_cpu_second_with_server']:,} counting the PostgreSQL backend's CPU too "
            f"(with {args.configured}: {result['rule_executions']:,} rule runs, "
            f"{result['webhook_deliveries']:,} webhook deliveries; "
            f"{audit_rows:,} audit rows; selection {selected:.2f} s; load {os.getloadavg()[0]:.1f}; "
            f"target > {TARGET_PER_SECOND:,}/s: {'met' if result['target_met'] else 'NOT met'})"
        )
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)


def configure_subscriber(what: str, account, owner) -> None:
    """Something that must act on every resolved ticket: an event rule, or a webhook (deliveries are queued as
    tasks; no worker runs, so none is sent)."""
    from helpline.core.actors import Actor

    if what == "rule":
        from helpline.automation.actions import create_rule

        create_rule(
            account=account,
            name="Tag what is resolved",
            trigger="status_changed",
            conditions={},
            actions=[{"type": "add_tags", "tags": ["resolved-in-bulk"]}],
            actor=Actor(user=owner),
        )
    elif what == "webhook":
        from helpline.webhooks.actions import create_webhook

        create_webhook(
            account=account,
            name="CRM",
            url="https://crm.example.com/helpline",
            event_types=["ticket.status_changed"],
            actor=Actor(user=owner),
        )


def rule_executions(account) -> int:
    from helpline.automation.models import RuleExecution

    return RuleExecution.objects.filter(account=account, event="ticket.status_changed").count()


def webhook_deliveries(account) -> int:
    from helpline.webhooks.models import WebhookDelivery

    return WebhookDelivery.objects.filter(account=account).count()


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine, /proc); 0 on SQLite, whose work
    is this process's own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
