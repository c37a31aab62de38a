"""Opaque cursors for keyset pagination. A cursor that does not decode is a 400, never a 500."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC

from django.utils.translation import gettext as _

from helpline.api.errors import FieldError
from helpline.conversations.selectors import decode_cursor
from helpline.core.errors import DomainError

MAX_ID = 2**63 - 1


def _invalid() -> FieldError:
    return FieldError("cursor", _("The cursor is not valid; start again from the first page."), location="query")


def check_ticket_cursor(cursor: str | None) -> str | None:
    """Reject ticket cursors the selector would choke on (huge ids, naive or out-of-range times)."""
    if not cursor:
        return None
    try:
        when, pk = decode_cursor(cursor)
        when.astimezone(UTC)
    except (DomainError, OverflowError, ValueError) as exc:
        raise _invalid() from exc
    if when.tzinfo is None or not 0 < pk <= MAX_ID:
        raise _invalid()
    return cursor


def encode_value(value: str | int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise _invalid() from exc


def decode_id(cursor: str | None) -> int | None:
    if not cursor:
        return None
    raw = _decode(cursor)
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise _invalid()
    return int(raw)


def decode_text(cursor: str | None) -> str | None:
    if not cursor:
        return None
    raw = _decode(cursor)
    if not raw or "\x00" in raw or len(raw) > 255:
        raise _invalid()
    return raw


def position_page(queryset, cursor: str | None, limit: int) -> dict:
    """One page of rows kept in an order people choose (``position``, then id), as an API list answers it:
    {"items": …, "next_cursor": …}. The cursor names the last row's (position, id)."""
    after = decode_text(cursor)
    if after:
        try:
            position, pk = (int(part) for part in after.split(".", 1))
        except ValueError as exc:
            raise _invalid() from exc
        if not (abs(position) <= MAX_ID and 0 < pk <= MAX_ID):
            raise _invalid()
        queryset = queryset.filter(position__gte=position).exclude(position=position, id__lte=pk)
    page = list(queryset.order_by("position", "id")[: limit + 1])
    items = page[:limit]
    next_cursor = encode_value(f"{items[-1].position}.{items[-1].pk}") if len(page) > limit else None
    return {"items": items, "next_cursor": next_cursor}
