"""Inbox, ticket-list and search latency at 100,000 / 1,000,000 tickets; idle memory of `helpline serve`.

    .venv/bin/python bench/inbox.py                         # SQLite, 100,000 tickets, in a temp data dir
    .venv/bin/python bench/inbox.py --tickets 1000000
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
      .venv/bin/python bench/inbox.py                       # PostgreSQL: a bench database on that server
    .venv/bin/python bench/inbox.py --memory-only           # idle RSS of an embedded `helpline serve`

The database is always a dedicated one: on PostgreSQL the server of HELPLINE_DATABASE_URL with the database
named by --database-name (default helpline_bench_<tickets>, dropped and created unless --reuse finds it
seeded); on SQLite a file in --data-dir (default: a new temp dir). Requests run in-process through
django.test.Client: the full middleware, view, ORM, template and serialisation path, without a socket or an
ASGI server, so the numbers are the application's own cost. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from seeding import COMMON_WORD, PASSWORD, RARE_COUNT, RARE_WORD, seed  # bench/ is sys.path[0]

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLOW_MS = 1000  # a case whose first request takes longer than this …
SLOW_REQUESTS = 10  # … is timed over this many requests only


# --- measuring ----------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn: Callable[[], None], *, requests: int, warmup: int, before: Callable[[], None] | None = None) -> dict:
    for _ in range(warmup):
        if before:
            before()
        fn()
    samples, cpu = [], []
    for _ in range(requests):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return {
        "p50": round(percentile(samples, 50), 1),
        "p95": round(percentile(samples, 95), 1),
        "max": round(max(samples), 1),
        "mean": round(statistics.fmean(samples), 1),
        "cpu_p50": round(percentile(cpu, 50), 1),  # this Python thread's own CPU time, not the database's
        "n": requests,
    }


def profile_queries(fn: Callable[[], None]) -> dict:
    """One request with query logging: how many queries, and the slowest one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
    return {
        "queries": len(ctx.captured_queries),
        "slowest_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_sql": slowest["sql"][:2000],
    }


def measure(
    seeded: dict, *, requests: int, warmup: int, log: Callable[[str], None], groups: set[str] | None = None
) -> list[dict]:
    from django.core.cache import cache
    from django.test import Client

    from helpline.conversations.models import Ticket
    from helpline.conversations.selectors import encode_cursor
    from helpline.tenancy.models import Account, User
    from helpline.web.inbox_filters import filter_choices

    bench = Account.objects.get(slug="bench")
    owner = User.objects.get(email="owner@bench.test")
    n_bench = Ticket.objects.filter(account=bench).count()
    # A cursor half-way down the inbox: what an agent reaches by paging far back.
    middle = (
        Ticket.objects.filter(account=bench)
        .exclude(status__in=["spam", "deleted"])
        .order_by("-last_activity_at", "-id")
        .only("pk", "last_activity_at")[n_bench // 2]
    )
    deep = encode_cursor(middle)

    web = Client()
    web.force_login(owner)
    api = Client(headers={"authorization": f"Bearer {seeded['api_key']}"})
    other_api = Client(headers={"authorization": f"Bearer {seeded['other_api_key']}"})

    def get(client, url, *, expect_items: bool | None = None):
        def call():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:500]!r}")
            if expect_items is not None:
                items = response.json()["items"]
                if bool(items) != expect_items:
                    raise SystemExit(f"GET {url}: expected {'some' if expect_items else 'no'} items")

        return call

    def forget_counts():
        """The bounded counts live 15 s; the filter bar's lists until they change. Drop the counts only."""
        cache.clear()
        filter_choices(bench)

    cases = [
        ("inbox", "GET /agent/ (first page)", get(web, "/agent/"), None),
        ("inbox", "GET /agent/ (first page, counts not cached)", get(web, "/agent/"), forget_counts),
        ("inbox", "GET /agent/ (first page, empty cache)", get(web, "/agent/"), cache.clear),
        ("inbox", "GET /agent/?cursor=… (deep page)", get(web, f"/agent/?cursor={deep}"), None),
        ("inbox", "GET /agent/?status=open", get(web, "/agent/?status=open"), None),
        ("api", "GET /api/v1/tickets", get(api, "/api/v1/tickets", expect_items=True), None),
        (
            "api",
            "GET /api/v1/tickets?cursor=… (deep page)",
            get(api, f"/api/v1/tickets?cursor={deep}", expect_items=True),
            None,
        ),
        (
            "api",
            "GET /api/v1/tickets?status=open",
            get(api, "/api/v1/tickets?status=open", expect_items=True),
            None,
        ),
        ("api", "GET /api/v1/tickets?tag=vip", get(api, "/api/v1/tickets?tag=vip", expect_items=True), None),
        (
            "api",
            "GET /api/v1/tickets (other account, 1/10 the size)",
            get(other_api, "/api/v1/tickets", expect_items=True),
            None,
        ),
        (
            "search",
            f"GET /api/v1/tickets?q={RARE_WORD} (rare: {RARE_COUNT} tickets)",
            get(api, f"/api/v1/tickets?q={RARE_WORD}", expect_items=True),
            None,
        ),
        (
            "search",
            f"GET /api/v1/tickets?q={COMMON_WORD} (common: ~60 % of tickets)",
            get(api, f"/api/v1/tickets?q={COMMON_WORD}", expect_items=True),
            None,
        ),
        (
            "search",
            "GET /api/v1/tickets?q=please (very common, prefix)",
            get(api, "/api/v1/tickets?q=please", expect_items=True),
            None,
        ),
    ]
    cases += filter_cases(bench, web, api, get, forget_counts)
    results = []
    for group, label, fn, before in cases:
        if groups and group not in groups:
            continue
        if before:
            before()
        started = time.perf_counter()
        profile = profile_queries(fn)
        first_ms = (time.perf_counter() - started) * 1000
        # A case far beyond its target is measured with fewer requests, so one slow query cannot take hours.
        n, w = (requests, warmup) if first_ms < SLOW_MS else (SLOW_REQUESTS, 1)
        numbers = timed(fn, requests=n, warmup=w, before=before)
        results.append({"group": group, "request": label, **numbers, **profile})
        log(f"{label}: p50 {numbers['p50']} ms, p95 {numbers['p95']} ms ({profile['queries']} queries)")
    return results


def filter_cases(bench, web, api, get, forget_counts) -> list[tuple]:
    """Three filters combined (docs/custom-fields-and-filters.md): status + department + tag, and status +
    department + a custom field (a dropdown set on every tenth ticket, added here once after seeding)."""
    from helpline.conversations.models import CustomField, CustomFieldValue, Ticket
    from helpline.tenancy.models import Department

    billing = Department.objects.get(account=bench, name="Billing").public_id
    plan, created = CustomField.objects.get_or_create(
        account=bench, applies_to="ticket", key="plan",
        defaults={"label": "Plan", "kind": "dropdown", "choices": ["Gold", "Silver"]},
    )  # fmt: skip
    if created or not CustomFieldValue.objects.filter(field=plan).exists():
        ids = Ticket.objects.filter(account=bench).order_by("id").values_list("id", flat=True)
        rows = [
            CustomFieldValue(account=bench, field=plan, ticket_id=pk, value="Gold" if n % 20 == 0 else "Silver")
            for n, pk in enumerate(ids.iterator(chunk_size=10_000))
            if n % 10 == 0
        ]
        CustomFieldValue.objects.bulk_create(rows, batch_size=5_000)
        from django.db import connection

        with connection.cursor() as cursor:  # as autovacuum would soon: without it PostgreSQL guesses ~400 rows
            cursor.execute(f"ANALYZE {CustomFieldValue._meta.db_table}")
    three = f"status=open&department={billing}&tag=vip"
    with_field = f"status=open&department={billing}&cf.plan=Gold"
    return [
        ("filters", f"GET /agent/?{three}", get(web, f"/agent/?{three}"), None),
        ("filters", f"GET /agent/?{three} (counts not cached)", get(web, f"/agent/?{three}"), forget_counts),
        ("filters", f"GET /agent/?{with_field}", get(web, f"/agent/?{with_field}"), None),
        ("filters", f"GET /agent/?{with_field} (counts not cached)", get(web, f"/agent/?{with_field}"), forget_counts),
        ("filters", f"GET /api/v1/tickets?{three}", get(api, f"/api/v1/tickets?{three}", expect_items=True), None),
        (
            "filters",
            f"GET /api/v1/tickets?{with_field}",
            get(api, f"/api/v1/tickets?{with_field}", expect_items=True),
            None,
        ),
    ]


# --- idle memory of `helpline serve` ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_memory(log: Callable[[str], None]) -> dict:
    """Embedded shape: temp data dir, SQLite, task consumer inside. RSS after a few pages and 5 s idle."""
    import httpx

    helpline = str(Path(sys.executable).with_name("helpline"))
    data_dir = Path(tempfile.mkdtemp(prefix="helpline-bench-mem-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
    env.update(HELPLINE_DATA_DIR=str(data_dir), HELPLINE_DEMO_PASSWORD=PASSWORD)
    port = free_port()
    try:
        subprocess.run([helpline, "demo"], env=env, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=300)
        key = subprocess.run(
            [helpline, "apikey", "create", "--account", "demo"],
            env=env,
            cwd=PROJECT_DIR,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
        proc = subprocess.Popen(
            [helpline, "serve", "--port", str(port)],
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("helpline serve did not come up")
                time.sleep(0.2)
            rss_started = _rss(proc.pid)
            with httpx.Client(base_url=base, timeout=30) as browser:
                page = browser.get("/login/")
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
                signed_in = browser.post(
                    "/login/",
                    data={
                        "username": "owner@demo.helpline.test",
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": token,
                    },
                    headers={"Referer": f"{base}/login/"},
                )
                assert signed_in.status_code == 302, signed_in.status_code
                inbox = browser.get("/agent/")
                assert inbox.status_code == 200, inbox.status_code
                ticket = re.search(r'href="(/agent/tickets/[^/"]+/)"', inbox.text)
                if ticket:
                    assert browser.get(ticket.group(1)).status_code == 200
                listed = browser.get("/api/v1/tickets", headers={"Authorization": f"Bearer {key}"})
                assert listed.status_code == 200, listed.status_code
            time.sleep(5)
            status = _status(proc.pid)
            log(f"idle RSS {status['VmRSS']}, peak {status['VmHWM']}")
            return {
                "rss_mb_after_start": round(rss_started / 1024, 1),
                "rss_mb_idle": round(_kb(status["VmRSS"]) / 1024, 1),
                "hwm_mb": round(_kb(status["VmHWM"]) / 1024, 1),
                "threads": int(status["Threads"]),
            }
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _status(pid: int) -> dict:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _kb(value: str) -> int:
    return int(value.split()[0])


def _rss(pid: int) -> int:
    return _kb(_status(pid)["VmRSS"])


def prioritise(niceness: int, log: Callable[[str], None]) -> None:
    """Give this process, and on PostgreSQL the server process of each of its connections, a higher priority."""
    from django.db.backends.signals import connection_created

    def renice(pid: int) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except PermissionError:
            log(f"cannot set the niceness of process {pid} to {niceness} (not root?)")

    def backend(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                renice(cursor.fetchone()[0])

    renice(os.getpid())
    connection_created.connect(backend, weak=False)
    log(f"niceness {niceness} for the bench and its database connections")


def vacuum_once(log: Callable[[str], None]) -> None:
    """VACUUM (ANALYZE) a bulk-loaded PostgreSQL bench database once, as autovacuum soon would.

    Without it the visibility map stays empty (autovacuum is off on some development servers), every
    index-only scan fetches each row from the heap, and the results depend on whether autovacuum happened
    to run before or during the measurement.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_vacuum IS NULL"
            " AND last_autovacuum IS NULL",
            [["conversations_ticket", "conversations_tickettag", "conversations_message", "people_contact"]],
        )
        if cursor.fetchone()[0]:
            started = time.monotonic()
            cursor.execute("VACUUM (ANALYZE)")
            log(f"VACUUM (ANALYZE) after the load: {time.monotonic() - started:.0f} s")


# --- machine and versions -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = _kb(
        next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split(
            ":", 1
        )[1]
    )
    import sqlite3

    import django

    info = {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
    }
    return info


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# --- set-up -------------------------------------------------------------------------------------------------


def configure(args) -> tuple[str, Path | None]:
    """Point HELPLINE_* at a dedicated bench database. Returns (vendor, temp dir to remove or None)."""
    for name in ("HELPLINE_REDIS_URL", "HELPLINE_TASKS_IMMEDIATE"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpline.config.settings"
    os.environ.setdefault("HELPLINE_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    url = os.environ.get("HELPLINE_DATABASE_URL", "")
    cleanup = None
    data_dir = Path(args.data_dir) if args.data_dir else None
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="helpline-bench-"))
        cleanup = None if args.keep else data_dir
    os.environ["HELPLINE_DATA_DIR"] = str(data_dir)
    if url.startswith("postgres"):
        import psycopg

        name = args.database_name or f"helpline_bench_{args.tickets}"
        if not (name.startswith("helpline_bench") or name.endswith("_bench")):
            raise SystemExit("refusing: the bench database name must start with helpline_bench or end in _bench")
        parts = urlsplit(url)
        admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not args.reuse:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["HELPLINE_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        return "postgresql", cleanup
    if url:
        raise SystemExit("HELPLINE_DATABASE_URL: use postgres://… or leave it unset for SQLite in --data-dir")
    sqlite_file = data_dir / "helpline.sqlite3"
    if sqlite_file.exists() and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    return "sqlite", cleanup


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets of the measured account")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--data-dir", help="SQLite: data dir to use (default: a new temp dir)")
    parser.add_argument("--database-name", help="PostgreSQL: bench database name (default helpline_bench_<n>)")
    parser.add_argument("--reuse", action="store_true", help="reuse an already seeded bench database")
    parser.add_argument("--keep", action="store_true", help="keep the temp SQLite data dir")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument(
        "--only",
        action="append",
        choices=["inbox", "api", "search", "filters"],
        help="measure only this group (repeatable)",
    )
    parser.add_argument("--memory", action="store_true", help="also measure the idle RSS of `helpline serve`")
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--json", help="write the results to this JSON file")
    parser.add_argument(
        "--nice",
        type=int,
        default=None,
        help="run the bench (and its PostgreSQL backend) at this niceness, e.g. -15 on a shared machine (root)",
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.memory_only:
        result = {"machine": machine(), "memory": measure_memory(log)}
        print(json.dumps(result, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        return

    vendor, cleanup = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from helpline.tenancy.models import Account

        call_command("migrate", interactive=False, verbosity=0)
        state_file = Path(os.environ["HELPLINE_DATA_DIR"]) / f"bench-{vendor}-{args.tickets}.json"
        if args.reuse and Account.objects.filter(slug="bench").exists() and state_file.exists():
            seeded = json.loads(state_file.read_text())
            log(f"reusing the seeded database ({seeded['counts']})")
        else:
            if Account.objects.filter(slug="bench").exists():
                raise SystemExit("the bench database has data but no state file; run without --reuse")
            log(f"seeding {args.tickets:,} tickets on {vendor}")
            seeded = seed(args.tickets, log=log)
            state_file.write_text(json.dumps(seeded, indent=2))
        if vendor == "postgresql":
            vacuum_once(log)
        connection.close()
        if args.nice is not None:
            prioritise(args.nice, log)
        result = {
            "machine": machine(),
            "database": database_version(),
            "tickets": args.tickets,
            "seed": {k: seeded[k] for k in ("seconds", "counts")},
        }
        if not args.seed_only:
            result["results"] = measure(
                seeded, requests=args.requests, warmup=args.warmup, log=log, groups=set(args.only or ())
            )
        if args.memory:
            result["memory"] = measure_memory(log)
        result["machine"]["load_average_after"] = os.getloadavg()
        print(markdown(result))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)


def markdown(result: dict) -> str:
    lines = [
        f"{result['database']}, {result['tickets']:,} tickets (seeded in {result['seed']['seconds']} s)",
        "",
    ]
    if "results" in result:
        lines += [
            "| request | p50 ms | p95 ms | max ms | cpu p50 ms | queries | slowest query ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in result["results"]:
            lines.append(
                f"| {row['request']} | {row['p50']} | {row['p95']} | {row['max']} | {row['cpu_p50']} | "
                f"{row['queries']} | {row['slowest_ms']} |"
            )
    if "memory" in result:
        lines += ["", f"idle RSS of `helpline serve`: {result['memory']['rss_mb_idle']} MB"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
