"""Reads of saved filters: the ones an agent sees, and their bounded ticket counts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import Case, Q, Value, When
from django.http import QueryDict
from django.urls import reverse

from helpline.conversations.selectors import count_tickets_matching
from helpline.core.errors import DomainError
from helpline.filters.models import SavedFilter
from helpline.filters.params import filter_values, parse_filter
from helpline.tenancy.selectors import ACCOUNT_LISTS_TTL, account_lists_version

MAX_SHOWN = 50  # the sidebar's saved filters: personal ones (a plan limit) and the shared ones, first 50


def list_visible_filters(account, user) -> list[SavedFilter]:
    """The agent's own filters, then those shared by others, each by name.

    Cached per agent until a saved filter of the account changes (the actions call forget_account_lists)."""
    key = f"saved-filters:{account.pk}:{user.pk}:{account_lists_version(account.pk)}"
    saved = cache.get(key)
    if saved is None:
        saved = list(
            SavedFilter.objects.filter(Q(owner=user) | Q(shared=True), account=account)
            .select_related("owner")
            .annotate(others=Case(When(owner=user, then=Value(0)), default=Value(1)))
            .order_by("others", "name", "id")[:MAX_SHOWN]
        )
        cache.set(key, saved, ACCOUNT_LISTS_TTL)
    return saved


def get_visible_filter(account, user, public_id: str) -> SavedFilter | None:
    return (
        SavedFilter.objects.filter(Q(owner=user) | Q(shared=True), account=account, public_id=public_id)
        .select_related("owner", "account")
        .first()
    )


def count_owned(account, user) -> int:
    return SavedFilter.objects.filter(account=account, owner=user).count()


def inbox_url(values: dict) -> str:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if value:
            query[key] = value
    encoded = query.urlencode()
    url = reverse("web:inbox")
    return f"{url}?{encoded}" if encoded else url


@dataclass(frozen=True)
class FilterRow:
    saved: SavedFilter
    url: str
    count: int
    capped: bool
    broken: bool  # names something deleted since: matches nothing


def saved_filter_rows(account, user, *, viewer: int | None = None, current: dict | None = None) -> list[FilterRow]:
    """The sidebar's rows: each visible filter with its inbox URL and bounded count, counted in one query.

    ``viewer``: conversations.visibility.restricted_user_id of the agent's membership; each count then holds only
    the tickets the agent may see (the viewer is part of each filter, so of the counts' cache key too)."""
    saved = list_visible_filters(account, user)
    parsed = []
    for item in saved:
        try:
            f = parse_filter(filter_values(item.query), account=account, user=user)
        except DomainError:
            parsed.append(None)
        else:
            parsed.append(replace(f, viewer=viewer))
    counts = iter(count_tickets_matching(account, [f for f in parsed if f is not None]))
    rows = []
    for item, f in zip(saved, parsed, strict=True):
        count, capped = next(counts) if f is not None else (0, False)
        rows.append(FilterRow(item, inbox_url(item.query), count, capped, broken=f is None))
    return rows


def _visible_to(user) -> Q:
    """Shared filters, and ``user``'s own when there is a user (an API key made by no agent sees shared ones)."""
    return Q(shared=True) | Q(owner=user) if user is not None else Q(shared=True)


def list_filters_page(account, user, *, scope: str | None = None, after_id: int | None = None, limit: int = 50):
    """A keyset page (oldest first) of the filters ``user`` sees; ``scope``: personal (own, unshared) or shared."""
    qs = SavedFilter.objects.filter(_visible_to(user), account=account).select_related("owner")
    if scope == "personal":
        qs = qs.filter(owner=user, shared=False) if user is not None else qs.none()
    elif scope == "shared":
        qs = qs.filter(shared=True)
    if after_id:
        qs = qs.filter(pk__gt=after_id)
    return list(qs.order_by("id")[:limit])


def get_filter_for(account, user, public_id: str) -> SavedFilter | None:
    """The filter with this id if ``user`` (None: an API key made by no agent) sees it."""
    return (
        SavedFilter.objects.filter(_visible_to(user), account=account, public_id=public_id)
        .select_related("owner", "account")
        .first()
    )


def count_filter(account, saved: SavedFilter, *, user, viewer: int | None = None) -> tuple[int, bool, bool]:
    """(count, capped, broken) of one filter now, bounded like the sidebar's; ``me`` is ``user`` (else its owner)."""
    try:
        f = parse_filter(filter_values(saved.query), account=account, user=user or saved.owner)
    except DomainError:
        return 0, False, True
    [(count, capped)] = count_tickets_matching(account, [replace(f, viewer=viewer)])
    return count, capped, False
