"""Rows kept in an order of their own (a ``position`` column, ties by id): moving one of them a place or more."""

from __future__ import annotations


def moved_in_order(queryset, public_id: str, offset: int) -> list[str]:
    """The public ids of ``queryset`` in their order (position, id), with ``public_id`` moved ``offset`` places
    (-1: one up, +1: one down), kept within the list; feed it to the reorder action of the rows."""
    order = list(queryset.order_by("position", "id").values_list("public_id", flat=True))
    index = order.index(public_id)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return order


def put_in_order(queryset, public_ids: list[str], *, refusal: str) -> tuple[list, bool]:
    """Lock the rows of ``queryset`` and number them 1… in the order ``public_ids`` names them; ``DomainError``
    (``refusal``) unless it names every row exactly once. The rows in their new order, and whether it changed."""
    from helpline.core.errors import DomainError

    rows = {row.public_id: row for row in queryset.select_for_update()}
    if len(public_ids) != len(set(public_ids)) or set(public_ids) != set(rows):
        raise DomainError(refusal)
    before = [row.public_id for row in sorted(rows.values(), key=lambda row: (row.position, row.pk))]
    ordered = [rows[public_id] for public_id in public_ids]
    for position, row in enumerate(ordered, start=1):
        row.position = position
    queryset.model.objects.bulk_update(ordered, ["position"])
    return ordered, before != list(public_ids)
