"""Ticket-level writes: create, assign, transfer, status, priority, tags, custom fields."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from helpline.conversations.custom_fields import coerce_value
from helpline.conversations.locks import lock_ticket
from helpline.conversations.models import CustomField, CustomFieldValue, Tag, Ticket, TicketTag
from helpline.conversations.statuses import SETTABLE_STATUSES, Priority, Status
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.core.ids import new_public_id, new_ticket_code
from helpline.core.rows import insert_row
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security import audit
from helpline.tenancy.selectors import forget_account_lists
from helpline.tosolve.deadlines import default_due_at


@transaction.atomic
def create_ticket(*, tags: list[str] | None = None, actor: Actor = SYSTEM, **fields) -> Ticket:
    """A ticket without a message yet; ``fields`` are ``new_ticket``'s (account, contact, subject, channel,
    department, priority, brand). ``conversations.open_ticket`` opens one with its first message."""
    ticket = new_ticket(**fields)
    insert_ticket(ticket)
    if tags:
        _add_tags(ticket, tags)
    audit.record_all([created_entry(ticket, actor)])
    publish_created(ticket, actor)
    return ticket


def new_ticket(
    *,
    account,
    contact,
    subject: str,
    channel: str = "web",
    department=None,
    priority: int = Priority.NORMAL,
    brand=None,
) -> Ticket:
    """A ticket as ``create_ticket`` makes it, not stored yet: its default deadline runs from now."""
    if priority not in Priority.values:
        raise DomainError(_("Unknown priority."))
    now = clock.now()
    return Ticket(
        account=account,
        contact=contact,
        subject=(subject or "").strip()[:255] or _("(no subject)"),
        channel=channel,
        department=department,
        priority=priority,
        brand=brand,
        last_activity_at=now,
        status_changed_at=now,
        sla_due_at=default_due_at(account_id=account.pk, department_id=getattr(department, "pk", None), start=now),
    )


def insert_ticket(ticket: Ticket) -> None:
    """Store a ``new_ticket``, drawing another code in the (1 in 10^11) case that it collides. A failed insert
    aborts a PostgreSQL transaction, so there it is tried in a savepoint; SQLite undoes just the statement."""
    for _attempt in range(5):
        try:
            with nullcontext() if connection.vendor == "sqlite" else transaction.atomic():
                insert_row(ticket)
            return
        except IntegrityError:  # the code (or public id) collided; draw others
            ticket.pk = None
            ticket.code, ticket.public_id = new_ticket_code(), new_public_id()
    raise DomainError(_("Could not allocate a ticket code."))  # pragma: no cover - 5 collisions in a row


def created_entry(ticket: Ticket, actor: Actor):
    """The audit row of a new ticket, for ``audit.record_all``."""
    data = {"channel": ticket.channel, "subject": ticket.subject}
    return audit.entry(account=ticket.account, actor=actor, action=ev.TicketCreated.name, subject=ticket, data=data)


def publish_created(ticket: Ticket, actor: Actor) -> None:
    publish_on_commit(
        ev.TicketCreated(
            account_id=ticket.account_id, actor_user_id=actor.user_id, ticket_id=ticket.pk, channel=ticket.channel
        )
    )


@transaction.atomic
def change_status(*, ticket: Ticket, status: str, actor: Actor = SYSTEM, allow_live: bool = False) -> Ticket:
    allowed = Status.values if allow_live else SETTABLE_STATUSES
    if status not in allowed:
        raise DomainError(_("Unknown status %(status)s.") % {"status": status})
    ticket = lock_ticket(ticket)
    previous = ticket.status
    if previous == status:
        return ticket
    ticket.status = status
    now = clock.now()
    ticket.resolved_at = now if status == Status.RESOLVED else None
    ticket.last_activity_at = now
    ticket.status_changed_at = now
    ticket.save(update_fields=["status", "resolved_at", "last_activity_at", "status_changed_at", "updated_at"])
    TicketTag.objects.filter(ticket=ticket).update(last_activity_at=now)
    audit.record_all([announce_status_change(ticket, previous, actor)])
    return ticket


def announce_status_change(ticket: Ticket, previous: str, actor: Actor):
    """``ticket`` moved from ``previous`` to its status: publish ``TicketStatusChanged`` on commit and return the
    audit row, not saved (for ``audit.record_all``; a bulk change writes all its rows in one insert)."""
    publish_on_commit(
        ev.TicketStatusChanged(
            account_id=ticket.account_id,
            actor_user_id=actor.user_id,
            ticket_id=ticket.pk,
            from_status=previous,
            to_status=ticket.status,
        )
    )
    data = {"from": previous, "to": ticket.status}
    return audit.entry(
        account=ticket.account, actor=actor, action=ev.TicketStatusChanged.name, subject=ticket, data=data
    )


@transaction.atomic
def change_priority(*, ticket: Ticket, priority: int, actor: Actor = SYSTEM) -> Ticket:
    if priority not in Priority.values:
        raise DomainError(_("Unknown priority."))
    ticket = lock_ticket(ticket)
    previous = ticket.priority
    if previous == priority:
        return ticket
    ticket.priority = priority
    ticket.save(update_fields=["priority", "updated_at"])
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.TicketPriorityChanged.name,
        subject=ticket,
        data={"from": previous, "to": priority},
    )
    publish_on_commit(
        ev.TicketPriorityChanged(
            account_id=ticket.account_id,
            actor_user_id=actor.user_id,
            ticket_id=ticket.pk,
            from_priority=previous,
            to_priority=priority,
        )
    )
    return ticket


@transaction.atomic
def assign_ticket(*, ticket: Ticket, assignee, actor: Actor = SYSTEM) -> Ticket:
    """Assign to an agent of the ticket's account, or unassign with ``assignee=None``."""
    if assignee is not None and not assignee.memberships.filter(account_id=ticket.account_id, is_active=True).exists():
        raise DomainError(_("That agent does not work in this account."))
    ticket = lock_ticket(ticket)
    previous = ticket.assignee_id
    new = assignee.pk if assignee else None
    if previous == new:
        return ticket
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.TicketAssigned.name,
        subject=ticket,
        data={"from": previous, "to": new},
    )
    publish_on_commit(
        ev.TicketAssigned(
            account_id=ticket.account_id,
            actor_user_id=actor.user_id,
            ticket_id=ticket.pk,
            from_user_id=previous,
            to_user_id=new,
        )
    )
    return ticket


@transaction.atomic
def transfer_ticket(*, ticket: Ticket, department, assignee=None, actor: Actor = SYSTEM) -> Ticket:
    """Move the ticket to another department (optionally to an agent there)."""
    if department is not None and department.account_id != ticket.account_id:
        raise DomainError(_("That department belongs to another account."))
    ticket = lock_ticket(ticket)
    previous = ticket.department_id
    new = department.pk if department else None
    if previous != new:
        ticket.department = department
        ticket.save(update_fields=["department", "updated_at"])
        audit.record(
            account=ticket.account,
            actor=actor,
            action=ev.TicketTransferred.name,
            subject=ticket,
            data={"from": previous, "to": new},
        )
        publish_on_commit(
            ev.TicketTransferred(
                account_id=ticket.account_id,
                actor_user_id=actor.user_id,
                ticket_id=ticket.pk,
                from_department_id=previous,
                to_department_id=new,
            )
        )
    if assignee is not None:
        ticket = assign_ticket(ticket=ticket, assignee=assignee, actor=actor)
    return ticket


def _clean_tag_names(names: list[str]) -> list[str]:
    cleaned = []
    for name in names:
        name = (name or "").strip()[:64]
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name)
    return cleaned


def _tags_by_name(account, names: list[str]) -> list[Tag]:
    existing = {t.name.lower(): t for t in Tag.objects.filter(account=account, name__in=names)}
    tags = []
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag, created = Tag.objects.get_or_create(account=account, name=name)
            if created:
                forget_account_lists(account.pk)
        tags.append(tag)
    return tags


def _add_tags(ticket: Ticket, names: list[str]) -> list[str]:
    tags = _tags_by_name(ticket.account, _clean_tag_names(names))
    present = set(TicketTag.objects.filter(ticket=ticket).values_list("tag_id", flat=True))
    new = [t for t in tags if t.pk not in present]
    TicketTag.objects.bulk_create(
        [
            TicketTag(account_id=ticket.account_id, ticket=ticket, tag=t, last_activity_at=ticket.last_activity_at)
            for t in new
        ]
    )
    return [t.name for t in new]


@transaction.atomic
def tag_ticket(*, ticket: Ticket, names: list[str], actor: Actor = SYSTEM) -> list[str]:
    ticket = lock_ticket(ticket)
    added = _add_tags(ticket, names)
    if added:
        ticket.save(update_fields=["updated_at"])
        audit.record(
            account=ticket.account, actor=actor, action=ev.TicketTagged.name, subject=ticket, data={"tags": added}
        )
        publish_on_commit(
            ev.TicketTagged(
                account_id=ticket.account_id, actor_user_id=actor.user_id, ticket_id=ticket.pk, tags=tuple(added)
            )
        )
    return added


@transaction.atomic
def untag_ticket(*, ticket: Ticket, names: list[str], actor: Actor = SYSTEM) -> list[str]:
    ticket = lock_ticket(ticket)
    wanted = {n.strip().lower() for n in names if n and n.strip()}
    links = [
        link
        for link in TicketTag.objects.filter(ticket=ticket).select_related("tag")
        if link.tag.name.lower() in wanted
    ]
    removed = [link.tag.name for link in links]
    if removed:
        TicketTag.objects.filter(pk__in=[link.pk for link in links]).delete()
        ticket.save(update_fields=["updated_at"])
        audit.record(
            account=ticket.account, actor=actor, action=ev.TicketUntagged.name, subject=ticket, data={"tags": removed}
        )
        publish_on_commit(
            ev.TicketUntagged(
                account_id=ticket.account_id, actor_user_id=actor.user_id, ticket_id=ticket.pk, tags=tuple(removed)
            )
        )
    return removed


@transaction.atomic
def set_tags(*, ticket: Ticket, names: list[str], actor: Actor = SYSTEM) -> Ticket:
    """Make the ticket's tags exactly ``names``."""
    wanted = _clean_tag_names(names)
    current = list(ticket.tags.values_list("name", flat=True))
    wanted_lower = {w.lower() for w in wanted}
    current_lower = {c.lower() for c in current}
    to_remove = [c for c in current if c.lower() not in wanted_lower]
    to_add = [w for w in wanted if w.lower() not in current_lower]
    if to_remove:
        untag_ticket(ticket=ticket, names=to_remove, actor=actor)
    if to_add:
        tag_ticket(ticket=ticket, names=to_add, actor=actor)
    return ticket


@transaction.atomic
def set_custom_field(*, ticket: Ticket, field: CustomField, value, actor: Actor = SYSTEM) -> CustomFieldValue | None:
    """Set (or with None / "" clear) one of the ticket's custom fields; the value is checked against its kind."""
    if field.account_id != ticket.account_id or field.applies_to != CustomField.TICKET:
        raise DomainError(_("That field does not apply to this ticket."))
    coerced = coerce_value(field, value)
    row = CustomFieldValue.objects.filter(field=field, ticket=ticket).first()
    if (row.value if row else None) == coerced and (row is None) == (coerced is None):
        return row
    if coerced is None:
        row.delete()
        row = None
    elif row is None:
        row = CustomFieldValue.objects.create(account_id=ticket.account_id, field=field, ticket=ticket, value=coerced)
    else:
        row.value = coerced
        row.save(update_fields=["value"])
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.CustomFieldSet.name,
        subject=ticket,
        data={"field": field.key, "value": coerced},
    )
    publish_on_commit(
        ev.CustomFieldSet(
            account_id=ticket.account_id, actor_user_id=actor.user_id, ticket_id=ticket.pk, field_key=field.key
        )
    )
    return row
