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
