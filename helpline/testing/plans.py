"""SQLite's query plans for the statements a call runs: a test proves a look-up searches an index instead of
walking every row of an account (the planner may prefer an index that saves a sort, whatever it costs)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection


def select_plans(call: Callable[[], object], table: str) -> list[str]:
    """The plan of each SELECT on ``table`` that ``call`` runs, its steps on that table joined by "; "."""
    statements = []

    def keep(execute, sql, params, many, context):
        if table in sql and sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        call()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append("; ".join(str(row[-1]) for row in cursor.fetchall() if f" {table} " in f"{row[-1]} "))
    return plans
