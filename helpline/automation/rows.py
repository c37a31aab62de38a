"""The few reads every event's rules need, as plain statements written once per process.

An event judges its rules on the ticket (with its department, assignee, brand, contact and company), its tags and
its message. Built through the ORM, each read costs about a millisecond of Python to compile into SQL — more than
the database takes to answer it and more than judging 1,000 rules (bench/rules.py). These statements are built from
the models' own table and column names the first time they are needed (per database vendor) and then only
executed; the ticket's model instance is loaded only when a rule acts on it.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

TICKET_KEYS = (
    "id",
    "account_id",
    "subject",
    "status",
    "priority",
    "channel",
    "message_count",
    "department_id",
    "contact_id",
    "department",
    "assignee",
    "brand",
    "contact_name",
    "contact_email",
    "company_name",
    "company_domain",
)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _ticket_sql(vendor: str) -> str:
    from helpline.conversations.models import Ticket
    from helpline.people.models import Company, Contact
    from helpline.tenancy.models import Brand, Department, User

    def col(alias, model, name):
        return f"{alias}.{_column(model, name)}"

    own = [col("t", Ticket, name) for name in TICKET_KEYS[:9]]
    joined = [
        col("d", Department, "public_id"),
        col("u", User, "public_id"),
        col("b", Brand, "public_id"),
        col("c", Contact, "name"),
        col("c", Contact, "primary_email"),
        col("co", Company, "name"),
        col("co", Company, "domain"),
    ]
    return (
        f"SELECT {', '.join(own + joined)} FROM {_table(Ticket)} t"  # noqa: S608 - names from the models
        f" JOIN {_table(Contact)} c ON c.{_column(Contact, 'id')} = {col('t', Ticket, 'contact')}"
        f" LEFT JOIN {_table(Department)} d ON d.{_column(Department, 'id')} = {col('t', Ticket, 'department')}"
        f" LEFT JOIN {_table(User)} u ON u.{_column(User, 'id')} = {col('t', Ticket, 'assignee')}"
        f" LEFT JOIN {_table(Brand)} b ON b.{_column(Brand, 'id')} = {col('t', Ticket, 'brand')}"
        f" LEFT JOIN {_table(Company)} co ON co.{_column(Company, 'id')} = {col('c', Contact, 'company')}"
        f" WHERE {col('t', Ticket, 'id')} = %s AND {col('t', Ticket, 'account')} = %s"
    )


@cache
def _tags_sql(vendor: str) -> str:
    from helpline.conversations.models import Tag, TicketTag

    return (
        f"SELECT g.{_column(Tag, 'name')} FROM {_table(TicketTag)} tt"  # noqa: S608 - names from the models
        f" JOIN {_table(Tag)} g ON g.{_column(Tag, 'id')} = tt.{_column(TicketTag, 'tag')}"
        f" WHERE tt.{_column(TicketTag, 'ticket')} = %s ORDER BY g.{_column(Tag, 'name')}"
    )


@cache
def _message_sql(vendor: str, by_id: bool) -> str:
    from helpline.conversations.models import Message

    columns = ", ".join(_column(Message, name) for name in ("body_text", "kind", "meta"))
    where = f"{_column(Message, 'ticket')} = %s"
    if by_id:
        return f"SELECT {columns} FROM {_table(Message)} WHERE {where} AND {_column(Message, 'id')} = %s"  # noqa: S608
    return (
        f"SELECT {columns} FROM {_table(Message)} WHERE {where} AND {_column(Message, 'direction')} = %s"  # noqa: S608
        f" ORDER BY {_column(Message, 'id')} DESC LIMIT 1"
    )


def _one(sql: str, params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def ticket_row(*, ticket_id: int, account_id: int) -> dict | None:
    """The ticket's values rules look at (None when it is gone or belongs to another account)."""
    row = _one(_ticket_sql(connection.vendor), [ticket_id, account_id])
    return dict(zip(TICKET_KEYS, row, strict=True)) if row else None


def relations_loaded(ticket) -> bool:
    """Whether the ticket came with every relation ``ticket_row_of`` reads (``select_related``)."""
    from helpline.conversations.models import Ticket
    from helpline.people.models import Contact

    def loaded(instance, model, name):
        return getattr(instance, f"{name}_id") is None or getattr(model, name).is_cached(instance)

    if not all(loaded(ticket, Ticket, name) for name in ("department", "assignee", "brand", "contact")):
        return False
    return loaded(ticket.contact, Contact, "company")


def ticket_row_of(ticket) -> dict:
    """The same values from a ticket already loaded (dry runs, time rules, SLA rules)."""
    contact = ticket.contact
    company = contact.company
    return {
        "id": ticket.pk,
        "account_id": ticket.account_id,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "message_count": ticket.message_count,
        "department_id": ticket.department_id,
        "contact_id": ticket.contact_id,
        "department": ticket.department.public_id if ticket.department_id else None,
        "assignee": ticket.assignee.public_id if ticket.assignee_id else None,
        "brand": ticket.brand.public_id if ticket.brand_id else None,
        "contact_name": contact.name,
        "contact_email": contact.primary_email,
        "company_name": company.name if company is not None else None,
        "company_domain": company.domain if company is not None else None,
    }


def tag_names(ticket_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_tags_sql(connection.vendor), [ticket_id])
        return [name for (name,) in cursor.fetchall()]


def message_values(ticket_id: int, message_id: int | None, *, inbound: str) -> dict | None:
    """body_text, kind and meta of the event's message, or else of the ticket's latest ``inbound`` message."""
    from helpline.conversations.models import Message

    if message_id:
        row = _one(_message_sql(connection.vendor, True), [ticket_id, message_id])
    else:
        row = _one(_message_sql(connection.vendor, False), [ticket_id, inbound])
    if row is None:
        return None
    body_text, kind, meta = row
    meta = Message._meta.get_field("meta").from_db_value(meta, None, connection)
    return {"body_text": body_text, "kind": kind, "meta": meta or {}}
