"""Seeding for the benchmarks: two accounts, N tickets with messages, contacts, tags and the search index,
bulk-loaded (executemany on SQLite, COPY on PostgreSQL) with secondary indexes rebuilt afterwards."""

from __future__ import annotations

import base64
import itertools
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

PASSWORD = "bench-password-123"
RARE_WORD = "xylophonist"  # in exactly RARE_COUNT tickets of the measured account
RARE_COUNT = 5
COMMON_WORD = "order"  # in about 60 % of all tickets
BATCH = 20_000

# --- generated content ------------------------------------------------------------------------------------

_FIRST = (
    "Maria Wei Olivia Lukas Aiko Noah Fatima Joao Emma Liam Sofia Mateo Chloe Arjun Yuki "
    "Hannah Omar Lea Ivan Nora Pablo Amara Felix Ines Kenji Zara Hugo Mila Theo Lina"
)
FIRST = _FIRST.split()
_LAST = (
    "Garcia Zhang Smith Muller Tanaka Johnson Khan Silva Dubois Brien Rossi Novak Kowalski Hansen Costa "
    "Nguyen Okafor Jensen Petrov Moreau Schmidt Larsen Ito Walsh Haddad Berg Vargas Kim Fischer Lopez"
)
LAST = _LAST.split()
SUBJECTS = [
    "Cannot log in after password reset",
    "Invoice shows the wrong VAT number",
    "Refund for duplicate charge",
    "How do I export my data?",
    "Feature request: dark mode",
    "Parcel delayed",
    "Switch to the annual plan",
    "API returns 429",
    "Wrong size delivered",
    "Question about the warranty",
    "Two-factor codes not arriving",
    "Cancel my subscription",
    "Change the billing address",
    "Discount code does not work",
    "App crashes on start",
    "Missing item in my parcel",
    "Update payment card",
    "Slow page loads since Monday",
    "Add a second user",
    "Delete my account",
]
OPENERS = ["Hello,", "Hi team,", "Good morning,", "Dear support,", "Hey,", "Hi there,"]
SENTENCES = [
    "I placed an order last week and it has not arrived yet.",
    "The tracking page has shown the same status for five days.",
    "My invoice lists the old company address.",
    "Could you please check what went wrong with my order?",
    "The payment went through twice on my card.",
    "We need this fixed before the end of the month.",
    "I already tried clearing the cache and logging in again.",
    "The mobile app closes as soon as I open the settings.",
    "Our team of twelve would like to move to the yearly plan.",
    "The confirmation email never reached my inbox.",
    "Is there a way to export all tickets as a spreadsheet?",
    "The discount code from your newsletter is rejected at checkout.",
    "Please send the replacement to the address in my profile.",
    "We were charged the full price instead of the nonprofit rate.",
]
REPLIES = [
    "Thanks for getting in touch. I have checked your order and sent a replacement today.",
    "Sorry for the trouble. I have refunded the duplicate payment; it shows within five days.",
    "I have updated the address on your invoice and attached the corrected copy.",
    "Good question: open Settings, then Export, and choose the spreadsheet format.",
    "I have passed this to our engineers; we will write again as soon as it is fixed.",
]
CLOSERS = ["Thanks!", "Best regards", "Cheers", "Kind regards", "Thank you in advance."]
STATUSES = [
    ("new", 10),
    ("open", 15),
    ("answered", 20),
    ("postponed", 5),
    ("resolved", 45),
    ("spam", 3),
    ("deleted", 2),
]
CHANNELS = [("email", 60), ("web", 25), ("api", 15)]
PRIORITIES = [(1, 10), (2, 65), (3, 20), (4, 5)]
TAGS = ["billing", "bug", "vip", "shipping", "question", "refund", "feature", "urgent-followup"]


def _weighted(pairs, n_slots=100) -> list:
    table = []
    for value, weight in pairs:
        table.extend([value] * weight)
    assert len(table) == n_slots
    return table


class Ids:
    """Public ids in the alphabet and length of helpline.core.ids: 16 chars of Crockford base32.

    The first 5 characters count up and the other 11 are random, so a bulk load appends to the unique
    index instead of inserting at random places (lookups by id are point lookups either way).
    """

    _alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    _table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _alphabet)

    def __init__(self, rng: random.Random):
        self.rng, self.buffer, self.n = rng, iter(()), 0

    def __call__(self) -> str:
        try:
            suffix = next(self.buffer)
        except StopIteration:
            raw = base64.b32encode(self.rng.randbytes(5 * 50_000)).decode().translate(self._table)
            self.buffer = iter([raw[i : i + 11] for i in range(0, len(raw) - 10, 11)])
            suffix = next(self.buffer)
        self.n += 1
        a, n = self._alphabet, self.n
        return f"{a[n >> 20 & 31]}{a[n >> 15 & 31]}{a[n >> 10 & 31]}{a[n >> 5 & 31]}{a[n & 31]}{suffix}"


_CODE_LETTERS, _CODE_DIGITS = "ABCDEFGHJKMNPQRSTVWXYZ", "23456789"
_DIGITS3 = ["".join(t) for t in itertools.product(_CODE_DIGITS, repeat=3)]  # 8**3 groups of three
_DIGITS5 = ["".join(t) for t in itertools.product(_CODE_DIGITS, repeat=5)]  # 8**5 groups of five
_LETTERS3 = ["".join(t) for t in itertools.product(_CODE_LETTERS, repeat=3)]


def ticket_code(i: int) -> str:
    """Unique per i, in the shape of helpline.core.ids.new_ticket_code (KQD-482-93751)."""
    rest, five = divmod(i, 8**5)
    rest, three = divmod(rest, 8**3)
    return f"{_LETTERS3[rest]}-{_DIGITS3[three]}-{_DIGITS5[five]}"


# --- the two databases -------------------------------------------------------------------------------------


class Loader:
    """Bulk loading with secondary indexes dropped during the load and rebuilt after it (sorted builds)."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.deferred: list[str] = []
        self.seconds: dict[str, float] = {}

    def defer_indexes(self, tables: list[str]) -> None:
        with self.connection.cursor() as cursor:
            for table in tables:
                if self.vendor == "sqlite":
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL",
                        [table],
                    )
                    for name, sql in cursor.fetchall():
                        cursor.execute(f'DROP INDEX "{name}"')
                        self.deferred.append(sql)
                else:
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'u'",
                        [table],
                    )
                    for name, definition in cursor.fetchall():
                        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                        self.deferred.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                        "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                        [table, table],
                    )
                    for name, definition in cursor.fetchall():
                        cursor.execute(f'DROP INDEX "{name}"')
                        self.deferred.append(definition)

    def rebuild_indexes(self) -> None:
        with self.connection.cursor() as cursor:
            for statement in self.deferred:
                cursor.execute(statement)
        self.deferred = []

    def load(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        started = time.monotonic()
        extra_columns, extra_values = self.defaults(table, columns)
        if extra_columns:
            columns = [*columns, *extra_columns]
            rows = (row + extra_values for row in rows)
        try:
            return self._load(table, columns, rows)
        finally:
            self.seconds[table] = self.seconds.get(table, 0.0) + time.monotonic() - started

    def defaults(self, table: str, columns: list[str]) -> tuple[list[str], tuple]:
        """Columns of the model that the seeder does not set (added since it was written), with their defaults."""
        from django.apps import apps

        model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
        if model is None:
            return [], ()
        names, values = [], []
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:
                continue
            if not field.has_default() and not field.null:
                raise SystemExit(f"bench: {table}.{field.column} is required and has no default; seed it")
            if field.unique and callable(field.default):
                raise SystemExit(f"bench: {table}.{field.column} needs a value per row; seed it")
            names.append(field.column)
            values.append(field.get_db_prep_save(field.get_default(), self.connection))
        return names, tuple(values)

    def _load(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        n = 0
        if self.vendor == "sqlite":
            raw = self.connection.connection
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            iterator = iter(rows)
            while batch := list(itertools.islice(iterator, BATCH)):
                raw.executemany(sql, batch)
                n += len(batch)
            return n
        copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n


# --- seeding ------------------------------------------------------------------------------------------------


def seed(n_tickets: int, *, log: Callable[[str], None]) -> dict:
    """Two accounts: 'bench' with n_tickets and 'other' with n_tickets // 10, interleaved by id."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from helpline.conversations.models import Tag
    from helpline.security.actions import create_api_key
    from helpline.tenancy.actions import create_account, create_department
    from helpline.tenancy.models import Brand, Department, Membership, User

    rng = random.Random(20_260_101)  # noqa: S311 - benchmark data only
    new_id = Ids(rng)
    started = time.monotonic()
    accounts = {}
    for slug, name, n_agents, extra_departments in (
        ("bench", "Bench Inc", 20, ["Billing", "Sales"]),
        ("other", "Other Ltd", 5, ["Billing"]),
    ):
        account, owner, _pw = create_account(
            slug=slug,
            name=name,
            owner_email=f"owner@{slug}.test",
            owner_name=f"{name} Owner",
            password=PASSWORD,
        )
        for dep in extra_departments:
            create_department(account=account, name=dep)
        hashed = make_password(PASSWORD)
        users = User.objects.bulk_create(
            [User(email=f"agent{i}@{slug}.test", name=f"Agent {i}", password=hashed) for i in range(n_agents - 1)]
        )
        Membership.objects.bulk_create([Membership(account=account, user=u, role=Membership.AGENT) for u in users])
        tags = Tag.objects.bulk_create([Tag(account=account, name=t) for t in TAGS])
        _key, raw_key = create_api_key(account=account, name="bench")
        accounts[slug] = {
            "account": account,
            "owner": owner,
            "agents": [owner.pk, *(u.pk for u in users)],
            "departments": list(Department.objects.filter(account=account).values_list("pk", flat=True)),
            "brand": Brand.objects.get(account=account, is_default=True).pk,
            "tags": [t.pk for t in tags],
            "api_key": raw_key,
        }
    bench, other = accounts["bench"], accounts["other"]
    n_other = n_tickets // 10
    total = n_tickets + n_other

    # Which account each ticket id belongs to: every 11th is the other account's, while it has some left.
    def owner_of(index: int, other_done: int) -> bool:
        return index % 11 == 10 and other_done < n_other

    n_contacts = {"bench": max(n_tickets // 4, 1), "other": max(n_other // 4, 1)}
    contact_base = {"bench": 0, "other": n_contacts["bench"]}
    status_table = _weighted(STATUSES)
    channel_table = _weighted(CHANNELS)
    priority_table = _weighted(PRIORITIES)
    now = datetime.now(UTC).replace(microsecond=0)
    span = timedelta(days=730).total_seconds()
    t0 = now.timestamp() - span
    step = span / total
    sqlite = connection.vendor == "sqlite"

    day_strings: dict[int, str] = {}

    def ts(seconds: float):
        """SQLite: the text Django stores ('YYYY-MM-DD HH:MM:SS.ffffff', UTC); PostgreSQL: a datetime."""
        if not sqlite:
            return datetime.fromtimestamp(seconds, UTC)
        day, rest = divmod(seconds, 86400)
        day = int(day)
        prefix = day_strings.get(day)
        if prefix is None:
            prefix = day_strings[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d ")
        whole = int(rest)
        hours, rem = divmod(whole, 3600)
        micro = int((rest - whole) * 1e6) or 1  # Django leaves out a zero fraction; never produce one
        return f"{prefix}{hours:02d}:{rem // 60:02d}:{rem % 60:02d}.{micro:06d}"

    contact_names = {}

    def contacts() -> Iterator[tuple]:
        for slug in ("bench", "other"):
            account_id = accounts[slug]["account"].pk
            for k in range(n_contacts[slug]):
                cid = contact_base[slug] + k + 1
                name = f"{FIRST[k % len(FIRST)]} {LAST[(k // len(FIRST)) % len(LAST)]}"
                email = f"{name.replace(' ', '.').lower()}.{k}@example.com"
                contact_names[cid] = (name, email)
                created = ts(t0 + (k / n_contacts[slug]) * span)
                yield (cid, account_id, new_id(), name, None, email, created, created)

    def identities() -> Iterator[tuple]:
        for slug in ("bench", "other"):
            account_id = accounts[slug]["account"].pk
            for k in range(n_contacts[slug]):
                cid = contact_base[slug] + k + 1
                yield (cid, account_id, cid, "email", contact_names[cid][1])

    tickets_rows, tag_rows, message_rows, documents = [], [], [], []
    plan = {"rare": [], "deep": None}
    rare_at = {n_tickets * j // RARE_COUNT + 17 for j in range(RARE_COUNT)}
    sentence_count = len(SENTENCES)

    def build_ticket(index: int, slug: str, k: int) -> None:
        """Rows for one ticket: the ticket, 1–3 messages, maybe tags, and its search document."""
        info = accounts[slug]
        tid = index + 1
        account_id = info["account"].pk
        r = rng.random()
        status = status_table[int(r * 100)]
        channel = channel_table[(tid * 7) % 100]
        priority = priority_table[(tid * 13) % 100]
        cid = contact_base[slug] + (k * 7919) % n_contacts[slug] + 1
        created_s = t0 + index * step
        n_messages = 1 if status == "new" else 2 + (tid % 2)
        last_s = created_s + (tid % 97) * 3600 * (n_messages - 1) / 2 + rng.random()
        department = info["departments"][tid % len(info["departments"])] if tid % 5 else None
        assignee = None if status == "new" or tid % 10 < 3 else info["agents"][tid % len(info["agents"])]
        code = ticket_code(tid)
        subject = SUBJECTS[(tid * 31) % len(SUBJECTS)]
        created, last = ts(created_s), ts(last_s)
        first_response = ts(created_s + 1800) if n_messages > 1 else None
        resolved = last if status == "resolved" else None
        tickets_rows.append(
            (
                tid,
                account_id,
                new_id(),
                code,
                subject,
                status,
                priority,
                channel,
                cid,
                department,
                assignee,
                info["brand"],
                n_messages,
                created,
                last,
                last,
                first_response,
                resolved,
            )
        )
        if tid % 10 < 3:
            tags = info["tags"]
            first_tag = tags[tid % len(tags)]
            tag_rows.append((account_id, tid, first_tag, last))
            if tid % 10 == 0:  # a second, different tag
                tag_rows.append((account_id, tid, tags[(tid + 1 + tid // 10 % 7) % len(tags)], last))
        # Bodies: "order" in ~60 % of the tickets (sentences 0 and 3 carry it, plus the common closer).
        s1 = SENTENCES[tid % sentence_count]
        s2 = SENTENCES[(tid * 5 + 3) % sentence_count]
        body = f"{OPENERS[tid % len(OPENERS)]}\n\n{s1} {s2}"
        if tid % 5 < 2:
            body += f" It is about {COMMON_WORD} {code}."
        if slug == "bench" and k in rare_at:
            body += f" The {RARE_WORD} from our office asked me to write."
            plan["rare"].append(tid)
        body += f"\n\n{CLOSERS[tid % len(CLOSERS)]}\n{contact_names[cid][0]}"
        texts = [body]
        message_rows.append(
            (
                account_id,
                new_id(),
                tid,
                "email" if channel == "email" else "web",
                "in",
                f"<p>{body}</p>",
                body,
                None,
                cid,
                "",
                "",
                "",
                0,
                created,
            )
        )
        if n_messages > 1:
            reply = REPLIES[tid % len(REPLIES)]
            texts.append(reply)
            message_rows.append(
                (
                    account_id,
                    new_id(),
                    tid,
                    "email" if channel == "email" else "web",
                    "out",
                    f"<p>{reply}</p>",
                    reply,
                    assignee or info["agents"][0],
                    None,
                    "",
                    "sent",
                    "",
                    1,
                    first_response,
                )
            )
        if n_messages > 2:
            follow = "Thanks, that helped. One more question about the invoice, please."
            texts.append(follow)
            message_rows.append(
                (
                    account_id,
                    new_id(),
                    tid,
                    "email" if channel == "email" else "web",
                    "in",
                    f"<p>{follow}</p>",
                    follow,
                    None,
                    cid,
                    "",
                    "",
                    "",
                    0,
                    last,
                )
            )
        name, email = contact_names[cid]
        documents.append((tid, account_id, "\n".join([code, subject, name, email, *texts])))

    loader = Loader(connection)
    ticket_cols = [
        "id",
        "account_id",
        "public_id",
        "code",
        "subject",
        "status",
        "priority",
        "channel",
        "contact_id",
        "department_id",
        "assignee_id",
        "brand_id",
        "message_count",
        "created_at",
        "updated_at",
        "last_activity_at",
        "first_response_at",
        "resolved_at",
    ]
    message_cols = [
        "account_id",
        "public_id",
        "ticket_id",
        "kind",
        "direction",
        "body_html",
        "body_text",
        "author_user_id",
        "author_contact_id",
        "external_id",
        "delivery_status",
        "delivery_error",
        "delivery_attempts",
        "created_at",
    ]
    big_tables = [
        "people_contact",
        "people_contactidentity",
        "conversations_ticket",
        "conversations_tickettag",
        "conversations_message",
    ]
    if not sqlite:
        big_tables.append("search_ticket_doc")

    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA journal_mode = OFF")  # one big load: no WAL to write twice, no rollback
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")
        else:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET synchronous_commit = off")
    counts = {}
    with transaction.atomic():
        loader.defer_indexes(big_tables)
        counts["contacts"] = loader.load(
            "people_contact",
            [
                "id",
                "account_id",
                "public_id",
                "name",
                "company_id",
                "primary_email",
                "created_at",
                "updated_at",
            ],
            contacts(),
        )
        counts["identities"] = loader.load(
            "people_contactidentity", ["id", "account_id", "contact_id", "kind", "value"], identities()
        )
        log(f"contacts: {counts['contacts']:,} in {time.monotonic() - started:.0f}s")
        other_done = bench_done = 0
        counts.update(tickets=0, messages=0, tags=0, documents=0)
        for index in range(total):
            if owner_of(index, other_done):
                build_ticket(index, "other", other_done)
                other_done += 1
            else:
                build_ticket(index, "bench", bench_done)
                bench_done += 1
            if len(tickets_rows) >= BATCH * 5 or index == total - 1:
                counts["tickets"] += loader.load("conversations_ticket", ticket_cols, tickets_rows)
                counts["tags"] += loader.load(
                    "conversations_tickettag",
                    ["account_id", "ticket_id", "tag_id", "last_activity_at"],
                    tag_rows,
                )
                counts["messages"] += loader.load("conversations_message", message_cols, message_rows)
                counts["documents"] += _load_documents(loader, documents)
                tickets_rows.clear(), tag_rows.clear(), message_rows.clear(), documents.clear()
                log(f"tickets: {counts['tickets']:,}/{total:,} in {time.monotonic() - started:.0f}s")
        assert bench_done == n_tickets and other_done == n_other, (bench_done, other_done)
        log(f"rows loaded in {time.monotonic() - started:.0f}s; building indexes")
        log("load seconds by table: " + ", ".join(f"{t} {v:.0f}" for t, v in loader.seconds.items()))
        indexing = time.monotonic()
        loader.rebuild_indexes()
        load_seconds = {t: round(v, 1) for t, v in loader.seconds.items()}
        load_seconds["(index rebuild)"] = round(time.monotonic() - indexing, 1)
        if not sqlite:
            with connection.cursor() as cursor:
                for table in (
                    "conversations_ticket",
                    "conversations_message",
                    "conversations_tickettag",
                    "people_contact",
                    "people_contactidentity",
                ):
                    sequence = f"pg_get_serial_sequence('{table}', 'id')"
                    cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")  # noqa: S608
    log(f"indexes built in {time.monotonic() - started:.0f}s; analysing")
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        else:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    log(f"seeded {total:,} tickets in {seconds:.0f}s")
    return {
        "seconds": round(seconds, 1),
        "load_seconds": load_seconds,
        "counts": counts,
        "rare_tickets": plan["rare"],
        "api_key": bench["api_key"],
        "other_api_key": other["api_key"],
    }


def _load_documents(loader: Loader, documents: list[tuple]) -> int:
    """The search index, filled as helpline.search.backends would fill it, ticket by ticket."""
    if loader.vendor == "sqlite":
        return loader.load(
            "search_ticket_fts",
            ["rowid", "account", "body"],
            ((t, f"a{a}", text) for t, a, text in documents),
        )
    word = re.compile(r"\w+", re.UNICODE)
    with loader.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_doc (ticket_id bigint, account_id bigint, body text) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE bench_doc")
    loader.load(
        "bench_doc",
        ["ticket_id", "account_id", "body"],
        ((t, a, " ".join(word.findall(text))) for t, a, text in documents),
    )
    with loader.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_ticket_doc (ticket_id, account_id, document) "
            "SELECT ticket_id, account_id, to_tsvector('simple', body) FROM bench_doc"
        )
        return cursor.rowcount
