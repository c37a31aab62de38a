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
    from helpline.tenancy.models import Account

    given = {ticket.pk: ticket for ticket in tickets}
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=sorted(given)).order_by("pk")}
    accounts = {t.account_id: t.account for t in tickets if Ticket.account.is_cached(t)}
    if len(given) > 1 and len(accounts) < len({t.account_id for t in locked.values()}):
        accounts |= Account.objects.in_bulk({t.account_id for t in locked.values()} - set(accounts))  # one read
    for pk, ticket in given.items():
        fresh = locked.get(pk)
        if fresh is None:
            raise Ticket.DoesNotExist(f"ticket {pk} no longer exists")
        if fresh.account_id in accounts:
            fresh.account = accounts[fresh.account_id]
        if Ticket.contact.is_cached(ticket) and ticket.contact_id == fresh.contact_id:
            fresh.contact = ticket.contact
    return locked
