"""One search interface, two engines. Results are ids, newest first, from a bounded candidate set:
a common word is as fast as a rare one because nothing ranks an unbounded match set."""

from __future__ import annotations

import re

from django.db import connection

MAX_RESULTS = 200
MAX_DOCUMENT = 200_000
_WORD = re.compile(r"\w+", re.UNICODE)


def words(query: str) -> list[str]:
    return _WORD.findall(query or "")[:12]


class SqliteFts:
    """FTS5 tables with an ``account`` column holding one token per account, so scoping is an index merge."""

    tables = {"ticket": "search_ticket_fts", "contact": "search_contact_fts"}

    def index(self, kind: str, object_id: int, account_id: int, text: str) -> None:
        table = self.tables[kind]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE rowid = %s", [object_id])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {table} (rowid, account, body) VALUES (%s, %s, %s)",  # noqa: S608
                [object_id, f"a{account_id}", text[:MAX_DOCUMENT]],
            )

    def remove(self, kind: str, object_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.tables[kind]} WHERE rowid = %s", [object_id])  # noqa: S608

    def search(self, kind: str, account_id: int, query: str, limit: int) -> list[int]:
        terms = words(query)
        if not terms:
            return []
        quoted = [f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}"*']
        match = f'account : "a{account_id}" AND body : ({" AND ".join(quoted)})'
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {self.tables[kind]} WHERE {self.tables[kind]} MATCH %s "  # noqa: S608
                "ORDER BY rowid DESC LIMIT %s",
                [match, min(limit, MAX_RESULTS)],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresFullText:
    """tsvector + GIN. Text is split into \\w+ words first, so both engines tokenise alike
    (PostgreSQL's parser would otherwise keep "ABC-123" together and signed numbers as "-123")."""

    tables = {"ticket": ("search_ticket_doc", "ticket_id"), "contact": ("search_contact_doc", "contact_id")}

    def index(self, kind: str, object_id: int, account_id: int, text: str) -> None:
        table, key = self.tables[kind]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, account_id, document) "  # noqa: S608
                "VALUES (%s, %s, to_tsvector('simple', %s)) "
                f"ON CONFLICT ({key}) DO UPDATE SET document = EXCLUDED.document",
                [object_id, account_id, " ".join(_WORD.findall(text[:MAX_DOCUMENT]))],
            )

    def remove(self, kind: str, object_id: int) -> None:
        table, key = self.tables[kind]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [object_id])  # noqa: S608

    def search(self, kind: str, account_id: int, query: str, limit: int) -> list[int]:
        terms = words(query)
        if not terms:
            return []
        tsquery = " & ".join(t.lower().replace("'", "") for t in terms[:-1])
        last = terms[-1].lower().replace("'", "") + ":*"
        tsquery = f"{tsquery} & {last}" if tsquery else last
        table, key = self.tables[kind]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key} FROM {table} WHERE account_id = %s "  # noqa: S608
                "AND document @@ to_tsquery('simple', %s) "
                f"ORDER BY {key} DESC LIMIT %s",
                [account_id, tsquery, min(limit, MAX_RESULTS)],
            )
            return [row[0] for row in cursor.fetchall()]


def engine():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts()
