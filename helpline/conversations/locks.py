"""Row locks on tickets: every write that reads and then changes a ticket takes one first."""

from __future__ import annotations

from helpline.conversations.models import Ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent writers serialise.

    The account the caller already loaded is carried over (it never changes), so ``ticket.account`` costs no
    second query in the audit row and the events that follow; so is the contact, while it is still the ticket's."""
    return lock_tickets([ticket])[ticket.pk]


def lock_tickets(tickets: list[Ticket]) -> dict[int, Ticket]:
    """``lock_ticket`` for many tickets in one statement, locked in id order (two batches never deadlock);
    ticket id → the ticket as read under its lock. A ticket deleted meanwhile raises ``Ticket.DoesNotExist``."""
    given = {ticket.pk: ticket for ticket in tickets}
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=sorted(given)).order_by("pk")}
    for pk, ticket in given.items():
        fresh = locked.get(pk)
        if fresh is None:
            raise Ticket.DoesNotExist(f"ticket {pk} no longer exists")
        if Ticket.account.is_cached(ticket):
            fresh.account = ticket.account
        if Ticket.contact.is_cached(ticket) and ticket.contact_id == fresh.contact_id:
            fresh.contact = ticket.contact
    return locked
