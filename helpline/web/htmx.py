"""What htmx tells the server about a request."""

from __future__ import annotations


def is_htmx(request) -> bool:
    """An htmx request that swaps part of a page (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def targets(request, element_id: str) -> bool:
    return is_htmx(request) and request.headers.get("HX-Target") == element_id
