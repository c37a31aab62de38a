"""Search-and-replace cost per inbound message: what ``rewrite_inbound`` adds before a message is stored.

    .venv/bin/python bench/replacements.py                  # SQLite in a temp data dir, local-memory cache
    .venv/bin/python bench/replacements.py --rules 50 --messages 2000

An account with ``--rules`` enabled rules (half plain text, half regular expressions with groups, e.g. card
numbers) rewrites a typical email: a subject, a 2 KB text body and its 4 KB HTML alternative (about 60 text
nodes). Measured per message, rules cached (the steady state): the median and 95th percentile; plus an account
without rules (the cost every message pays) and the cold load after a rule change (one query + compiling).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time

from inbox import configure  # bench/ is sys.path[0]

PARAGRAPH = (
    "Hello team, my card 4111-1111-1111-1234 was charged twice for order #{n}. Please call me at +44 20 7946 0{n:03d}."
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=20)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--data-dir")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    args.reuse, args.tickets, args.database_name = False, 0, "helpline_bench_replacements"
    vendor, cleanup = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from helpline.replacements.actions import create_rule
        from helpline.replacements.rewrite import forget_rules, rewrite_inbound
        from helpline.tenancy.actions import create_account

        call_command("migrate", interactive=False, verbosity=0)
        account, _owner, _pw = create_account(
            slug="repl", name="Repl", owner_email="o@repl.test", plan="enterprise", password="bench-only-pw-1"
        )
        empty, _owner, _pw = create_account(
            slug="empty", name="Empty", owner_email="o@empty.test", plan="enterprise", password="bench-only-pw-1"
        )
        for n in range(args.rules):
            if n % 2:
                create_rule(account=account, pattern=rf"\b(\d{{4}})-(\d{{4}})-(\d{{4}})-(\d{{{1 + n % 4}}})\b",
                            replacement=r"XXXX-XXXX-XXXX-\4", is_regex=True)  # fmt: skip
            else:
                create_rule(account=account, pattern=f"disclaimer number {n}", replacement="")
        text = "\n\n".join(PARAGRAPH.format(n=n) for n in range(16))
        html = "".join(f"<p>{PARAGRAPH.format(n=n)} <b>bold {n}</b> <a href='https://x.test/{n}'>link</a></p>"
                       for n in range(20))  # fmt: skip

        def timed(account_id: int) -> list[float]:
            rewrite_inbound(account_id, "Card 4111-1111-1111-1234", text, html, channel="email")  # warm
            times = []
            for _ in range(args.messages):
                start = time.perf_counter()
                subject, out, _h = rewrite_inbound(account_id, "Card 4111-1111-1111-1234", text, html, channel="email")
                times.append((time.perf_counter() - start) * 1000)
            return times

        with_rules = timed(account.pk)
        without = timed(empty.pk)
        forget_rules(account.pk)
        start = time.perf_counter()
        rewrite_inbound(account.pk, "", "x", "", channel="email")
        cold = (time.perf_counter() - start) * 1000

        def p95(values):
            return sorted(values)[int(len(values) * 0.95)]

        print(f"database {vendor}; {args.rules} rules; text {len(text)} chars, html {len(html)} chars")
        print(f"  with rules, cached:  median {statistics.median(with_rules):.3f} ms, p95 {p95(with_rules):.3f} ms")
        print(f"  account without rules: median {statistics.median(without):.4f} ms")
        print(f"  cold load after a change: {cold:.2f} ms")
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
