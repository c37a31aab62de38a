"""Render the JSON files written by `bench/inbox.py --json` as one Markdown comparison table.

    .venv/bin/python bench/report.py sqlite-100k.json postgres-100k.json "patched.json=SQLite, 1M, patched"

Each file (optionally `path=column label`) becomes one column: p50 / p95 (cpu p50), in ms; p95 at or over the
target in bold. Rows are the requests, in the bench's order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGETS = {"inbox": 50, "api": 50, "search": 100}


def label(result: dict) -> str:
    if "label" in result:
        return result["label"]
    database = result["database"].split(" (")[0].replace("PostgreSQL", "PG")
    tickets = result["tickets"]
    size = f"{tickets // 1_000_000}M" if tickets % 1_000_000 == 0 else f"{tickets // 1000}k"
    return f"{database}, {size}"


def render(results: list[dict]) -> str:
    head = "| request | target p95 | " + " | ".join(f"{label(r)} p50 / p95 (cpu)" for r in results) + " |"
    lines = [head, "|---|---|" + "---|" * len(results)]
    requests = [row["request"] for row in results[0]["results"]]
    for request in requests:
        cells = []
        group = ""
        for result in results:
            row = next((x for x in result.get("results", []) if x["request"] == request), None)
            if row is None:
                cells.append("–")
                continue
            group = row["group"]
            missed = row["p95"] >= TARGETS[group]
            p95 = f"**{row['p95']}**" if missed else f"{row['p95']}"
            cells.append(f"{row['p50']} / {p95} ({row['cpu_p50']})")
        lines.append(f"| {request} | < {TARGETS.get(group, '')} ms | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    results = []
    for arg in paths:
        path, _, name = arg.partition("=")
        result = json.loads(Path(path).read_text())
        if name:
            result["label"] = name
        results.append(result)
    print(render([r for r in results if "results" in r]))
    for result in results:
        seed = result.get("seed")
        if seed:
            print(f"\n{label(result)}: seeded in {seed['seconds']} s; {seed['counts']}")


if __name__ == "__main__":
    main(sys.argv[1:])
