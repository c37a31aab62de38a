"""Split a ticket: a chosen message and everything after it become a new ticket for another agent or department."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions.counts import recount_ticket
from helpline.conversations.locks import lock_ticket
from helpline.conversations.models import Message, Ticket, TicketParticipant
from helpline.conversations.statuses import Status
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security import audit

LIVE = (Status.CHATTING, Status.CALLING)


def _check(ticket: Ticket, from_message: Message, assignee, department) -> None:
    if from_message.ticket_id != ticket.pk or from_message.account_id != ticket.account_id:
        raise DomainError(_("Choose a message of this ticket to split from."))
    if assignee is not None and not assignee.memberships.filter(account_id=ticket.account_id, is_active=True).exists():
        raise DomainError(_("That agent does not work in this account."))
    if department is not None and department.account_id != ticket.account_id:
        raise DomainError(_("That department belongs to another account."))


def _new_ticket(ticket: Ticket, *, subject: str, assignee, department) -> Ticket:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Ticket.objects.create(
                    account_id=ticket.account_id,
                    contact_id=ticket.contact_id,
                    subject=subject,
                    status=Status.OPEN,
                    priority=ticket.priority,
                    channel=ticket.channel,
                    brand_id=ticket.brand_id,
                    department=department,
                    assignee=assignee,
                    last_activity_at=clock.now(),
                    status_changed_at=clock.now(),
                )
        except IntegrityError:  # ticket code collided; draw another
            continue
    raise DomainError(_("Could not allocate a ticket code."))  # pragma: no cover - 5 collisions in a 10^11 space


@transaction.atomic
def split_ticket(
    *,
    ticket: Ticket,
    from_message: Message,
    assignee=None,
    department=None,
    subject: str | None = None,
    actor: Actor = SYSTEM,
) -> Ticket:
    """Move ``from_message`` and every later message (by id), internal notes included, to a new open ticket.

    The new ticket keeps the contact, channel, brand, priority and participants; its subject defaults to the
    original's and its department to the original's. Replies to a moved message's Message-ID thread into the new
    ticket, because threading matches the messages' external ids. Returns the new ticket."""
    _check(ticket, from_message, assignee, department)
    ticket = lock_ticket(ticket)
    if ticket.status in LIVE:
        raise DomainError(_("A live chat or call cannot be split; wait until it has ended."))
    first_id = Message.objects.filter(ticket=ticket).order_by("id").values_list("id", flat=True).first()
    if from_message.pk == first_id:
        raise DomainError(_("The first message cannot be split off: the ticket would be left empty."))
    moving = list(
        Message.objects.filter(ticket=ticket, id__gte=from_message.pk)
        .order_by("id")
        .values_list("id", "public_id", named=True)
    )
    if not moving or moving[0].id != from_message.pk:  # the message moved meanwhile (a concurrent split)
        raise DomainError(_("Choose a message of this ticket to split from."))
    subject = (subject or "").strip()[:255] or ticket.subject
    new = lock_ticket(
        _new_ticket(ticket, subject=subject, assignee=assignee, department=department or ticket.department)
    )
    new.account = ticket.account
    Message.objects.filter(pk__in=[m.id for m in moving]).update(ticket=new)
    participants = TicketParticipant.objects.filter(ticket=ticket).order_by("id")
    TicketParticipant.objects.bulk_create(
        [
            TicketParticipant(account_id=new.account_id, ticket=new, contact_id=p.contact_id, role=p.role)
            for p in participants
        ],
        ignore_conflicts=True,
    )
    recount_ticket(ticket)
    recount_ticket(new)
    moved = [m.public_id for m in moving]
    common = {"from_message": from_message.public_id, "messages": moved}
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.TicketSplit.name,
        subject=ticket,
        data={**common, "to_ticket": new.code},
    )
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.TicketSplit.name,
        subject=new,
        data={**common, "from_ticket": ticket.code},
    )
    for side in (ticket, new):  # both documents are reindexed and both tickets refresh in agents' browsers
        publish_on_commit(
            ev.TicketSplit(
                account_id=ticket.account_id,
                actor_user_id=actor.user_id,
                ticket_id=side.pk,
                source_ticket_id=ticket.pk,
                new_ticket_id=new.pk,
                message_ids=tuple(m.id for m in moving),
            )
        )
    return new
