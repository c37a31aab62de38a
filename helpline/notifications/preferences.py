"""Each agent's choice per kind and way (in the app, by email, in the browser); the kind's default without a row."""

from __future__ import annotations

from collections.abc import Iterable

from helpline.notifications import kinds
from helpline.notifications.models import Preference


def choices_for(account_id: int, user_ids: Iterable[int], kind: str) -> dict[int, dict[str, bool]]:
    """{user id: {way: on?}} for one kind; one query."""
    default = {way: kinds.KINDS[kind].default(way) for way in kinds.WAYS}
    user_ids = list(user_ids)
    found = {uid: dict(default) for uid in user_ids}
    rows = Preference.objects.filter(account_id=account_id, user_id__in=user_ids, kind=kind)
    for row in rows.values("user_id", *kinds.WAYS):
        found[row.pop("user_id")] = row
    return found


def table_for(account_id: int, user_id: int) -> list[tuple[kinds.Kind, dict[str, bool]]]:
    """Every kind with this agent's choices, for the preferences page and the browser; one query."""
    rows = {
        row.pop("kind"): row
        for row in Preference.objects.filter(account_id=account_id, user_id=user_id).values("kind", *kinds.WAYS)
    }
    return [
        (kind, rows.get(key) or {way: kind.default(way) for way in kinds.WAYS}) for key, kind in kinds.KINDS.items()
    ]
