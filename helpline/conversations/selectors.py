"""Reads of conversations: the inbox list (keyset-paginated), a ticket's thread, bounded counts."""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from helpline.conversations.filtering import apply_extra_filters
from helpline.conversations.models import Attachment, CustomFieldValue, Message, Tag, Ticket, TicketTag
from helpline.conversations.statuses import PRIORITY_BY_NAME, Status
from helpline.conversations.visibility import visible_q
from helpline.core.errors import DomainError

PAGE_SIZE = 50
COUNT_CAP = 1000
COUNT_TTL = 15


@dataclass(frozen=True)
class TicketFilter:
    status: str = ""
    department: str = ""  # public id
    assignee: str = ""  # public id, or "none"
    tag: str = ""  # tag name
    channel: str = ""
    priority: str = ""  # name: low, normal, high, urgent
    q: str = ""
    # Resolved by helpline.filters.params.parse_filter and applied by conversations.filtering:
    brand_id: int | None = None
    contact_id: int | None = None
    company_id: int | None = None  # the contact's company
    created_after: datetime | None = None  # from this instant on
    created_before: datetime | None = None  # before this instant
    activity_after: datetime | None = None
    activity_before: datetime | None = None
    sla: str = ""  # overdue, due_soon, none
    fields: tuple = ()  # ((custom field id, kind, value), …) of ticket fields
    # Set for an agent without tickets.view_all (conversations.visibility): only their departments' and own tickets.
    viewer: int | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__ if f != "viewer")


def encode_cursor(ticket: Ticket | TicketSummary) -> str:
    raw = f"{ticket.last_activity_at.isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return datetime.fromisoformat(when), int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise DomainError(_("The cursor is not valid; start again from the first page.")) from exc


def _filtered(account, f: TicketFilter):
    return _with_status(_scoped(account, f), f.status)


def _check_status(status: str) -> None:
    if status and status not in Status.values:
        raise DomainError(_("Unknown status %(status)s.") % {"status": status})


def _with_status(qs, status: str):
    """Under one status, or every status but spam and deleted when none is chosen."""
    _check_status(status)
    if status:
        return qs.filter(status=status)
    return qs.exclude(status__in=[Status.DELETED, Status.SPAM])


def _scoped(account, f: TicketFilter):
    """The account's tickets under every filter but the status."""
    from helpline.tenancy.models import Department, User

    qs = Ticket.objects.filter(account=account)
    if f.viewer is not None:
        qs = qs.filter(visible_q(account.pk, f.viewer))
    if f.department:
        department = Department.objects.filter(account=account, public_id=f.department).first()
        if department is None:
            return qs.none()
        qs = qs.filter(department=department)
    if f.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee:
        assignee = User.objects.filter(public_id=f.assignee, memberships__account=account).first()
        if assignee is None:
            return qs.none()
        qs = qs.filter(assignee=assignee)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.priority:
        if f.priority not in PRIORITY_BY_NAME:
            raise DomainError(_("Unknown priority %(priority)s.") % {"priority": f.priority})
        qs = qs.filter(priority=PRIORITY_BY_NAME[f.priority])
    if f.tag:
        tag = Tag.objects.filter(account=account, name=f.tag).first()
        if tag is None:
            return qs.none()
        qs = qs.filter(tickettag__tag=tag)
    qs = apply_extra_filters(qs, f)
    if f.q:
        from helpline.search.index import search_ticket_ids

        qs = qs.filter(pk__in=search_ticket_ids(account, f.q))
    return qs


def _order_field(f: TicketFilter) -> str:
    return "tickettag__last_activity_at" if f.tag else "last_activity_at"


def _inbox_order(f: TicketFilter) -> tuple[str, str]:
    """Newest activity first, ties by ticket id. Under a tag both come from the tag's link row, so the order is
    exactly that of the ``ticket_tag_inbox`` index (no sort step, no parallel scan of the whole tag)."""
    return (f"-{_order_field(f)}", "-tickettag__ticket_id" if f.tag else "-pk")


def _page_queryset(account, f: TicketFilter, cursor: str | None):
    """The filtered tickets from the cursor on (all when None), newest activity first."""
    qs = _filtered(account, f)
    order_field = _order_field(f)
    if cursor:
        when, pk = decode_cursor(cursor)
        # The redundant `<= when` is a range both databases seek to in the inbox indexes; with the OR alone
        # they walk the index from the newest ticket down to the cursor (linear in the page depth).
        qs = qs.filter(
            Q(**{f"{order_field}__lte": when}),
            Q(**{f"{order_field}__lt": when}) | Q(**{order_field: when, "pk__lt": pk}),
        )
    return qs.order_by(*_inbox_order(f))


def list_tickets(account, f: TicketFilter, *, cursor: str | None = None, limit: int = PAGE_SIZE):
    """One page of the inbox, newest activity first. Returns (tickets, next_cursor)."""
    limit = max(1, min(limit, 100))
    qs = (
        _page_queryset(account, f, cursor)
        .select_related("contact", "assignee", "department", "merged_into")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("field_values", queryset=CustomFieldValue.objects.select_related("field").order_by("field_id")),
        )
    )
    page = list(qs[: limit + 1])
    next_cursor = encode_cursor(page[limit - 1]) if len(page) > limit else None
    return page[:limit], next_cursor


class TicketSummary(NamedTuple):
    """What a list row shows of a ticket: plain values, no model instances (a page of them is cheap)."""

    pk: int
    public_id: str
    code: str
    subject: str
    status: str
    priority: int
    channel: str
    last_activity_at: datetime
    contact_name: str  # the contact's display name
    assignee_name: str  # "" when nobody is assigned
    department_name: str  # "" without a department
    tag_names: list[str]
    sla_due_at: datetime | None = None  # the countdown of the row (helpline.sla)


_SUMMARY_COLUMNS = (
    "pk",
    "public_id",
    "code",
    "subject",
    "status",
    "priority",
    "channel",
    "last_activity_at",
    "sla_due_at",
    "contact__name",
    "contact__primary_email",
    "assignee__name",
    "assignee__email",
    "department__name",
)


def list_ticket_summaries(account, f: TicketFilter, *, cursor: str | None = None, limit: int = PAGE_SIZE):
    """list_tickets as TicketSummary rows, in two queries (the page, then its tags). (summaries, next_cursor)."""
    limit = max(1, min(limit, 100))
    page = list(_page_queryset(account, f, cursor).values_list(*_SUMMARY_COLUMNS)[: limit + 1])
    tag_names = defaultdict(list)
    if page:
        links = TicketTag.objects.filter(ticket_id__in=[row[0] for row in page[:limit]]).order_by("tag__name")
        for ticket_id, name in links.values_list("ticket_id", "tag__name"):
            tag_names[ticket_id].append(name)
    visitor = str(_("Visitor"))
    summaries = [
        TicketSummary(
            *row[:8],
            contact_name=contact_name or contact_email or visitor,  # as Contact.display_name
            assignee_name=assignee_name or assignee_email or "",  # as User.display_name
            department_name=department_name or "",
            tag_names=tag_names[row[0]],
            sla_due_at=row[8],
        )
        for *row, contact_name, contact_email, assignee_name, assignee_email, department_name in page[:limit]
    ]
    next_cursor = encode_cursor(summaries[-1]) if len(page) > limit else None
    return summaries, next_cursor


def list_ticket_public_ids(account, f: TicketFilter, *, limit: int) -> list[str]:
    """The public ids of every ticket under the filter (at most ``limit``), in the inbox's order: a bulk
    action's selection "all tickets matching this filter"."""
    return list(_page_queryset(account, f, None).values_list("public_id", flat=True)[:limit])


def _stale_key(account_id: int) -> str:
    return f"tcounts-stale:{account_id}"


def forget_ticket_counts(account_id: int) -> None:
    """The account's cached counts (status and saved-filter counts) computed until now are not used again: a bulk
    chunk just changed many tickets, and the sidebar should not lag it by the counts' COUNT_TTL."""
    cache.set(_stale_key(account_id), time.time(), COUNT_TTL + 5)


def _cached_counts(key: str, account_id: int):
    """The cached counts under ``key`` unless they were computed before the account's counts were forgotten."""
    found = cache.get_many([key, _stale_key(account_id)])
    entry, stale_since = found.get(key), found.get(_stale_key(account_id))
    if entry is None or (stale_since is not None and stale_since >= entry[0]):
        return None
    return entry[1]


_STATUS_SLOT = "\x00status"  # stands for the status in a count compiled once for several statuses


def _bounded_count_sql(qs) -> tuple[str, list]:
    """SQL for `(SELECT COUNT(*) …)` of at most COUNT_CAP + 1 rows of qs, and its parameters."""
    sql, params = qs.values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({sql}) AS bounded)", list(params)  # noqa: S608 - SQL compiled by the ORM


def _only_status(f: TicketFilter) -> bool:
    """Whether f filters on nothing but the status: then each status's count is the head of its own index range."""
    return not f.active and f.viewer is None


def count_tickets_by_status(account, f: TicketFilter, statuses: list[str]) -> dict[str, tuple[int, bool]]:
    """Bounded counts under each of these statuses ("" = every active one) and f's other filters, in one query.

    {status: (count, capped)}; no count goes past COUNT_CAP. Cached briefly per account and filter (and dropped
    when a bulk job changes the account's tickets: forget_ticket_counts).

    Without other filters each status's count reads the head of ``ticket_inbox_status`` (at most COUNT_CAP + 1
    index entries each). Under other filters every row has to be checked, and a status with few tickets would
    read the filter's whole range once per status: there one pass reads the newest PASS_CAP matching tickets
    and counts them by status; when the pass stops at PASS_CAP, every count is shown as "at least" (capped).
    """
    f = replace(f, status="")
    key = f"tcounts:{account.pk}:{hashlib.sha256(repr((f, statuses)).encode()).hexdigest()[:32]}"
    cached = _cached_counts(key, account.pk)
    if cached is not None:
        return cached
    computed_at = time.time()
    for status in statuses:
        _check_status(status)
    # In the inbox's order, so the counts read the head of the index range the list reads rather than whatever
    # the planner estimates cheaper.
    scoped = _scoped(account, f).order_by(*_inbox_order(f))
    try:
        count = _counts_per_status if _only_status(f) else _counts_in_one_pass
        result = count(scoped, statuses)
    except EmptyResultSet:  # a filter names nothing (a department, agent or tag that is gone)
        result = dict.fromkeys(statuses, (0, False))
    cache.set(key, (computed_at, result), COUNT_TTL)
    return result


PASS_CAP = COUNT_CAP  # rows one counting pass reads at most under filters (as one status count without)


def _counts_in_one_pass(scoped, statuses: list[str]) -> dict[str, tuple[int, bool]]:
    sql, params = scoped.values("status")[:PASS_CAP].query.sql_with_params()
    with connections[scoped.db].cursor() as cursor:
        cursor.execute(f"SELECT head.status, COUNT(*) FROM ({sql}) AS head GROUP BY head.status", params)  # noqa: S608
        by_status = dict(cursor.fetchall())
    partial = sum(by_status.values()) >= PASS_CAP  # older tickets were not read
    hidden = (Status.DELETED, Status.SPAM)
    result = {}
    for status in statuses:
        n = by_status.get(status, 0) if status else sum(v for k, v in by_status.items() if k not in hidden)
        result[status] = (min(n, COUNT_CAP), n > COUNT_CAP or partial)
    return result


def _counts_per_status(scoped, statuses: list[str]) -> dict[str, tuple[int, bool]]:
    # Compiled twice, not once per status: one status's count with a placeholder for the status, and the count
    # of every active one.
    one_status, one_status_params = _bounded_count_sql(scoped.filter(status=_STATUS_SLOT))
    all_active, all_active_params = _bounded_count_sql(_with_status(scoped, ""))
    slot = one_status_params.index(_STATUS_SLOT)
    subqueries, params = [], []
    for status in statuses:
        if status:
            subqueries.append(one_status)
            params += [*one_status_params[:slot], status, *one_status_params[slot + 1 :]]
        else:
            subqueries.append(all_active)
            params += all_active_params
    # One round trip: a scalar subquery per status.
    with connections[scoped.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(subqueries)}", params)
        numbers = cursor.fetchone()
    return {status: (min(n, COUNT_CAP), n > COUNT_CAP) for status, n in zip(statuses, numbers, strict=True)}


def count_tickets_matching(account, filters: list[TicketFilter]) -> list[tuple[int, bool]]:
    """Bounded counts of tickets under each filter (a saved filter each), in one query: [(count, capped)].

    Like count_tickets_by_status: no count reads past COUNT_CAP rows, and results are cached briefly."""
    if not filters:
        return []
    key = f"tmatch:{account.pk}:{hashlib.sha256(repr(filters).encode()).hexdigest()[:32]}"
    cached = _cached_counts(key, account.pk)
    if cached is not None:
        return cached
    computed_at = time.time()
    subqueries, params, numbers = [], [], {}
    for index, f in enumerate(filters):
        qs = _filtered(account, f).order_by(*_inbox_order(f))
        try:
            sql, sql_params = _bounded_count_sql(qs)
        except EmptyResultSet:  # names something that is gone
            numbers[index] = 0
            continue
        subqueries.append((index, sql))
        params += sql_params
    if subqueries:
        with connections[Ticket.objects.db].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(sql for _index, sql in subqueries)}", params)
            numbers.update(zip([index for index, _sql in subqueries], cursor.fetchone(), strict=True))
    result = [(min(numbers[i], COUNT_CAP), numbers[i] > COUNT_CAP) for i in range(len(filters))]
    cache.set(key, (computed_at, result), COUNT_TTL)
    return result


def get_thread(ticket: Ticket, *, include_internal: bool = True) -> list[Message]:
    qs = Message.objects.filter(ticket=ticket).select_related("author_user", "author_contact")
    if not include_internal:
        qs = qs.exclude(direction="internal")
    # Time order, not id order: a merge brings older messages of other tickets into this thread.
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    return list(qs.prefetch_related(attachments).order_by("created_at", "id"))


MAX_MERGE_HOPS = 20


def follow_merges(ticket: Ticket | None) -> Ticket | None:
    """The ticket a merged ticket lives on in (following a chain of merges); any other ticket itself."""
    seen = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen and len(seen) < MAX_MERGE_HOPS:
        seen.add(ticket.pk)
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first() or ticket
    return ticket


def ticket_detail(ticket_queryset):
    return ticket_queryset.select_related("contact", "assignee", "department", "brand", "merged_into").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
