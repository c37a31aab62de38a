"""One search interface, two engines. Results are ids, newest first, from a bounded candidate set:
a common word is as fast as a rare one because nothing ranks an unbounded match set."""

from __future__ import annotations

import re

from django.db import connection

MAX_RESULTS = 200
CANDIDATES = 2000  # PostgreSQL: matches gathered before falling back to the newest-first walk
MAX_DOCUMENT = 200_000
_WORD = re.compile(r"\w+", re.UNICODE)


def _parts(documents: list, size: int = 500) -> list[list]:
    """Well below SQLite's limit on the parameters of one statement."""
    return [documents[start : start + size] for start in range(0, len(documents), size)]


def words(query: str) -> list[str]:
    return _WORD.findall(query or "")[:12]


class SqliteFts:
    """FTS5 tables with an ``account`` column holding one token per account, so scoping is an index merge."""

    tables = {"ticket": "search_ticket_fts", "contact": "search_contact_fts"}

    def index(self, kind: str, documents: list[tuple[int, int, str]]) -> None:
        """Replace the documents (object id, account id, text), in two statements for the lot."""
        table = self.tables[kind]
        with connection.cursor() as cursor:
            for part in _parts(documents):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid IN ({marks})",  # noqa: S608
                    [object_id for object_id, _account, _text in part],
                )
                cursor.executemany(
                    f"INSERT INTO {table} (rowid, account, body) VALUES (%s, %s, %s)",  # noqa: S608
                    [(object_id, f"a{account_id}", text[:MAX_DOCUMENT]) for object_id, account_id, text in part],
                )

    def remove(self, kind: str, object_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.tables[kind]} WHERE rowid = %s", [object_id])  # noqa: S608

    def search(self, kind: str, account_id: int, query: str, limit: int) -> list[int]:
        terms = words(query)
        if not terms:
            return []
        limit = min(limit, MAX_RESULTS)
        # The last word is also a prefix (search as you type). FTS5 answers a prefix by merging the doclists
        # of every matching term before it can order them, so "order*" costs as much as all the documents
        # holding order/orders/ordered. When the word as typed already fills the page, that is the answer.
        exact = self._match(kind, account_id, terms, prefix=False, limit=limit)
        if len(exact) >= limit:
            return exact
        return self._match(kind, account_id, terms, prefix=True, limit=limit)

    def _match(self, kind: str, account_id: int, terms: list[str], *, prefix: bool, limit: int) -> list[int]:
        quoted = [f'"{t}"' for t in terms]
        if prefix:
            quoted[-1] += "*"
        match = f'account : "a{account_id}" AND body : ({" AND ".join(quoted)})'
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {self.tables[kind]} WHERE {self.tables[kind]} MATCH %s "  # noqa: S608
                "ORDER BY rowid DESC LIMIT %s",
                [match, limit],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresFullText:
    """tsvector + GIN. Text is split into \\w+ words first, so both engines tokenise alike
    (PostgreSQL's parser would otherwise keep "ABC-123" together and signed numbers as "-123")."""

    tables = {"ticket": ("search_ticket_doc", "ticket_id"), "contact": ("search_contact_doc", "contact_id")}

    def index(self, kind: str, documents: list[tuple[int, int, str]]) -> None:
        """Insert or replace the documents (object id, account id, text), one statement for the lot."""
        table, key = self.tables[kind]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({key}, account_id, document) "  # noqa: S608
                "VALUES (%s, %s, to_tsvector('simple', %s)) "
                f"ON CONFLICT ({key}) DO UPDATE SET document = EXCLUDED.document",
                [
                    (object_id, account_id, " ".join(_WORD.findall(text[:MAX_DOCUMENT])))
                    for object_id, account_id, text in sorted(documents)  # in key order: no deadlock between two
                ],
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
        limit = min(limit, MAX_RESULTS)
        with connection.cursor() as cursor:
            # First every match, up to CANDIDATES: a rare word comes from the GIN index in a millisecond, a
            # common one stops a sequential read after CANDIDATES rows. Asked straight for "ORDER BY id DESC
            # LIMIT n", the planner walks the primary key backwards and filters, which is instant for a common
            # word and reads the whole table for a rare one: for a prefix (word:*) it guesses 0.5 % of the rows
            # match and cannot tell the two apart.
            cursor.execute(
                f"WITH hits AS MATERIALIZED (SELECT {key} FROM {table} WHERE account_id = %s "  # noqa: S608
                "AND document @@ to_tsquery('simple', %s) LIMIT %s) "
                f"SELECT {key}, count(*) OVER () FROM hits ORDER BY {key} DESC LIMIT %s",
                [account_id, tsquery, CANDIDATES + 1, limit],
            )
            rows = cursor.fetchall()
            if not rows or rows[0][1] <= CANDIDATES:
                return [row[0] for row in rows]
            # A common word: the newest matches are among the newest documents; the backward walk is short.
            cursor.execute(
                f"SELECT {key} FROM {table} WHERE account_id = %s "  # noqa: S608
                "AND document @@ to_tsquery('simple', %s) "
                f"ORDER BY {key} DESC LIMIT %s",
                [account_id, tsquery, limit],
            )
            return [row[0] for row in cursor.fetchall()]


def engine():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts()
