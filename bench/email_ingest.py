"""Inbound email throughput and memory: the pipe path in-process, `helpline ingest-email`, and IMAP from Dovecot.

    .venv/bin/python bench/email_ingest.py                              # SQLite, 10,000 messages per path
    HELPLINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/email_ingest.py                            # PostgreSQL: database helpline_bench_email
    .venv/bin/python bench/email_ingest.py --messages 1000 --profile /tmp/pipe.txt   # where the time goes
    .venv/bin/python bench/email_ingest.py --report sqlite.json postgres.json        # JSON results → Markdown

Messages cycle through every message of ../shared/corpora/mail (the .eml and .box files: plain, multipart,
attachments, broken encodings, bounces), each with a unique Message-ID, so every one is a new ticket.
Three paths, each into an account of its own:

* pipe (in-process): ``receive_emails`` called directly with ``--batch`` messages at a time (as a queue drain
  does), or ``receive_email`` one by one with ``--batch 1`` (as ``helpline ingest-email`` does after start-up);
* cli: a sample through real ``helpline ingest-email`` processes (one per message, as an MTA pipes them);
* imap: the messages written into a Dovecot Maildir, then fetched by ``ImapSession.fetch_new`` (TLS, streamed
  UID FETCH in batches of 100, delivered 25 at a time, "keep": progress saved after each group).

Background tasks are queued as in production (the bench runs no worker), unless ``--inline-tasks``. The bench
pins itself to one CPU (``--cpu``) and Dovecot to the others. At every ``--checkpoint`` it records
messages/second so far (wall clock and per CPU second of this process) and the RSS, to show whether memory
stays flat as the count grows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
BENCH_DATABASE = "helpline_bench_email"


def memory_mb() -> dict[str, float]:
    """RSS, and its anonymous part (the heap): SQLite maps its database file (mmap_size), so file-backed pages
    grow with the database and are not the process's own memory."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    names = {"rss_mb": "VmRSS", "anon_mb": "RssAnon", "file_mb": "RssFile"}
    return {key: fields.get(name, 0.0) for key, name in names.items()}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Checkpoints of a run: count, wall and CPU seconds since the start, RSS."""

    def __init__(self, every: int, cpu=time.process_time):
        self.every = every
        self.cpu = cpu
        self.rows: list[dict] = []
        self.count = 0
        self.wall0, self.cpu0 = time.perf_counter(), cpu()

    def tick(self, n: int = 1) -> None:
        before, self.count = self.count, self.count + n
        if self.count // self.every > before // self.every:
            self.mark()

    def mark(self) -> None:
        wall, cpu = time.perf_counter() - self.wall0, self.cpu() - self.cpu0
        if self.rows and self.rows[-1]["messages"] == self.count:
            return
        self.rows.append(
            {
                "messages": self.count,
                "seconds": round(wall, 2),
                "per_second": round(self.count / wall, 1),
                "per_cpu_second": round(self.count / cpu, 1) if cpu else None,
                **memory_mb(),
            }
        )
        print(f"  {self.rows[-1]}", file=sys.stderr, flush=True)


def configure(args) -> dict:
    """Environment for this process (and the CLI children): a data dir and database of the bench's own."""
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="helpline-bench-email-"))
    env = {
        "HELPLINE_DATA_DIR": str(data_dir),
        "HELPLINE_LOG_LEVEL": "CRITICAL",
        "HELPLINE_SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "DJANGO_SETTINGS_MODULE": "helpline.config.settings",
    }
    if args.inline_tasks:
        env["HELPLINE_TASKS_IMMEDIATE"] = "1"
    url = os.environ.get("HELPLINE_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        env["HELPLINE_DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))
    else:
        os.environ.pop("HELPLINE_DATABASE_URL", None)
    os.environ.pop("HELPLINE_REDIS_URL", None)
    os.environ.update(env)
    return env


def setup_django():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # owners' logins only


def account_with_mailbox(slug: str, **mailbox):
    from helpline.channels.email.actions import create_mailbox
    from helpline.tenancy.actions import create_account

    account, _owner, _password = create_account(
        slug=slug, name=slug.title(), owner_email=f"owner@{slug}.bench", plan="enterprise"
    )
    return account, create_mailbox(account=account, name=slug, address=f"support@{slug}.bench", **mailbox)


def run_pipe(args) -> dict:
    from helpline.channels.email.inbound import receive_email, receive_emails
    from helpline.channels.email.transports.tests import corpus

    account, mailbox = account_with_mailbox("pipe")
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    meter = Meter(args.checkpoint)
    batch: list[bytes] = []
    for raw in corpus.cycle(args.messages, prefix="pipe"):
        if args.batch <= 1:
            receive_email(account=account, raw=raw, mailbox=mailbox)
            meter.tick()
            continue
        batch.append(raw)
        if len(batch) == args.batch:
            receive_emails(account=account, raws=batch, mailbox=mailbox)
            meter.tick(len(batch))
            batch = []
    if batch:
        receive_emails(account=account, raws=batch, mailbox=mailbox)
        meter.tick(len(batch))
    meter.mark()
    if profiler:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False))
    how = "receive_email in-process" if args.batch <= 1 else f"receive_emails in-process, batches of {args.batch}"
    return {"path": f"pipe ({how})", "checkpoints": meter.rows}


def run_cli(args, env: dict) -> dict:
    from helpline.channels.email.transports.tests import corpus
    from helpline.channels.email.transports.tests.isolated import helpline_command

    account_with_mailbox("cli")
    meter = Meter(max(args.cli_sample // 4, 1), cpu=children_cpu)
    codes = set()
    for raw in corpus.cycle(args.cli_sample, prefix="cli"):
        done = subprocess.run(
            [*helpline_command(), "ingest-email", "--account", "cli", "--mailbox", "support@cli.bench"],
            input=raw,
            env={**os.environ, **env},
            capture_output=True,
        )
        codes.add(done.returncode)
        meter.tick()
    meter.mark()
    assert codes == {0}, codes
    return {"path": "cli (helpline ingest-email, one process per message)", "checkpoints": meter.rows}


@contextlib.contextmanager
def on_other_cpus():
    """Processes started inside run on every CPU but the bench's (they inherit the affinity at fork): the mail
    server is another machine in production, so it must not take the measured core's time."""
    mine = os.sched_getaffinity(0)
    others = set(range(os.cpu_count() or 1)) - mine
    if others:
        os.sched_setaffinity(0, others)
    try:
        yield
    finally:
        os.sched_setaffinity(0, mine)


def run_imap(args) -> dict:
    import imaplib
    import ssl

    from helpline.channels.email.transports.imap import ImapSession
    from helpline.channels.email.transports.tests import corpus
    from helpline.channels.email.transports.tests.servers import PASSWORD, remove_dovecot, start_dovecot

    with on_other_cpus():
        dovecot = start_dovecot("http://127.0.0.1:9")
    try:
        os.environ["SSL_CERT_FILE"] = str(dovecot.ca_file)
        user = dovecot.new_user()
        context = ssl.create_default_context(cafile=str(dovecot.ca_file))
        with imaplib.IMAP4_SSL("127.0.0.1", dovecot.ports["imaps"], ssl_context=context) as conn:
            conn.login(user, PASSWORD)
            conn.select("INBOX")  # creates the Maildir
        new = dovecot.maildir(user) / "new"
        for index, raw in enumerate(corpus.cycle(args.messages, prefix="imap")):
            path = new / f"{1700000000 + index}.M{index}P1.bench"
            path.write_bytes(raw)
            os.chown(path, dovecot.uid, dovecot.gid)
        _account, mailbox = account_with_mailbox(
            "imap", inbound="imap", host="127.0.0.1", port=dovecot.ports["imaps"], username=user, password=PASSWORD
        )
        meter = Meter(args.checkpoint)
        with ImapSession(mailbox) as session:
            report = session.fetch_new(heartbeat=meter.tick)
        meter.mark()
        assert report.fetched == args.messages, report
        return {
            "path": "imap (Dovecot, TLS, streamed batches of 100, delivered 25 at a time)",
            "checkpoints": meter.rows,
        }
    finally:
        remove_dovecot(dovecot)


def report(paths: list[str]) -> str:
    """Markdown: one row per checkpoint of every run of every JSON file written with --json."""
    lines = [
        "| database | path | messages | msg/s (wall) | msg per CPU-second | RSS MB | of it heap (anon) MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for path in paths:
        result = json.loads(Path(path).read_text())
        for run in result["runs"]:
            for row in run["checkpoints"]:
                lines.append(
                    f"| {result['database']} | {run['path'].split(' ')[0]} | {row['messages']:,} | {row['per_second']} "
                    f"| {row['per_cpu_second']} | {row['rss_mb']} | {row['anon_mb']} |"
                )
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--report"]:
        print(report(sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--cli-sample", type=int, default=100)
    parser.add_argument("--checkpoint", type=int, default=1000)
    parser.add_argument("--paths", default="pipe,cli,imap")
    parser.add_argument(
        "--batch", type=int, default=25, help="pipe path: messages per receive_emails call (1: one by one)"
    )
    parser.add_argument("--cpu", type=int, default=0, help="pin the bench to this CPU (-1: do not pin)")
    parser.add_argument("--inline-tasks", action="store_true", help="run background tasks inline, as tests do")
    parser.add_argument("--profile", help="write a pyinstrument profile of the pipe path to this file")
    parser.add_argument("--data-dir")
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    env = configure(args)
    setup_django()
    from django.conf import settings

    results = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "tasks": "inline" if args.inline_tasks else "queued",
        "batch": args.batch,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",  # noqa: E501
        "runs": [],
    }
    for path in args.paths.split(","):
        print(f"{path} …", file=sys.stderr, flush=True)
        run = {"pipe": lambda: run_pipe(args), "cli": lambda: run_cli(args, env), "imap": lambda: run_imap(args)}[path]
        results["runs"].append(run())
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if not args.keep:
        shutil.rmtree(env["HELPLINE_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
