"""``insert_rows``: new rows of one model in one statement, for hot paths that need no ids back.

Django's ``bulk_create`` builds its INSERT anew for every call (about half a millisecond of CPU for two audit
rows); here the statement is built once per model and database, and each object's values are still prepared by
its own fields, exactly as ``bulk_create`` prepares them (defaults, ``auto_now_add``, JSON)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin

_STATEMENTS: dict[tuple[str, type], tuple[str, list]] = {}


def _statement(model: type[Model]) -> tuple[str, list]:
    key = (connection.alias, model)
    if key not in _STATEMENTS:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if not (f.primary_key or f.generated)]
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        _STATEMENTS[key] = (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})", fields)  # noqa: S608
    return _STATEMENTS[key]


def insert_row(obj: Model) -> Model:
    """``obj.save(force_insert=True)`` for a new row of a model with an automatic id, through the prepared INSERT:
    the id is read back (RETURNING) and set on ``obj``. No signals are sent (the project connects none)."""
    model = type(obj)
    if not (connection.features.can_return_columns_from_insert and isinstance(model._meta.pk, AutoFieldMixin)):
        obj.save(force_insert=True)
        return obj
    sql, fields = _statement(model)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(model._meta.pk.column)}", values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def insert_rows(objects: list[Model]) -> None:
    """Insert ``objects`` (all of one model, not saved yet). Their primary keys stay unset: use ``bulk_create``
    where the caller needs them. A constraint violation raises ``IntegrityError`` as ``bulk_create`` would."""
    if not objects:
        return
    sql, fields = _statement(type(objects[0]))
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Set ``fields`` of many rows to values of their own in one statement: each row is (value per field …, pk),
    values as the database stores them (a foreign key's id). Django's ``bulk_update`` builds a CASE per field,
    which costs more CPU than one UPDATE per row; this runs one prepared UPDATE for all of them."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
