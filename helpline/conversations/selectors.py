"""Reads of conversations: the inbox list (keyset-paginated), a ticket's thread, bounded counts."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from helpline.conversations.models import Attachment, Message, Tag, Ticket
from helpline.conversations.statuses import PRIORITY_BY_NAME, Status
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

    @property
    def active(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)


def encode_cursor(ticket: Ticket) -> str:
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
    from helpline.tenancy.models import Department, User

    qs = Ticket.objects.filter(account=account)
    if f.status:
        if f.status not in Status.values:
            raise DomainError(_("Unknown status %(status)s.") % {"status": f.status})
        qs = qs.filter(status=f.status)
    else:
        qs = qs.exclude(status__in=[Status.DELETED, Status.SPAM])
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
    if f.q:
        from helpline.search.index import search_ticket_ids

        qs = qs.filter(pk__in=search_ticket_ids(account, f.q))
    return qs


def list_tickets(account, f: TicketFilter, *, cursor: str | None = None, limit: int = PAGE_SIZE):
    """One page of the inbox, newest activity first. Returns (tickets, next_cursor)."""
    limit = max(1, min(limit, 100))
    qs = _filtered(account, f)
    order_field = "tickettag__last_activity_at" if f.tag else "last_activity_at"
    if cursor:
        when, pk = decode_cursor(cursor)
        # The redundant `<= when` is a range both databases seek to in the inbox indexes; with the OR alone
        # they walk the index from the newest ticket down to the cursor (linear in the page depth).
        qs = qs.filter(
            Q(**{f"{order_field}__lte": when}),
            Q(**{f"{order_field}__lt": when}) | Q(**{order_field: when, "pk__lt": pk}),
        )
    qs = (
        qs.select_related("contact", "assignee", "department")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by(f"-{order_field}", "-pk")
    )
    page = list(qs[: limit + 1])
    next_cursor = encode_cursor(page[limit - 1]) if len(page) > limit else None
    return page[:limit], next_cursor


def count_tickets(account, f: TicketFilter) -> tuple[int, bool]:
    """A bounded, briefly cached count: (count, capped). Never counts past COUNT_CAP rows."""
    key = f"tcount:{account.pk}:{hashlib.sha256(repr(f).encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    n = _filtered(account, f).values("pk")[: COUNT_CAP + 1].count()
    result = (min(n, COUNT_CAP), n > COUNT_CAP)
    cache.set(key, result, COUNT_TTL)
    return result


def get_thread(ticket: Ticket, *, include_internal: bool = True) -> list[Message]:
    qs = Message.objects.filter(ticket=ticket).select_related("author_user", "author_contact")
    if not include_internal:
        qs = qs.exclude(direction="internal")
    return list(qs.prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id"))).order_by("id"))


def ticket_detail(ticket_queryset):
    return ticket_queryset.select_related("contact", "assignee", "department", "brand").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
