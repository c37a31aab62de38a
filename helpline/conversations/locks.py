"""Row locks on tickets: every write that reads and then changes a ticket takes one first."""

from __future__ import annotations

from helpline.conversations.models import Ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent writers serialise.

    The account the caller already loaded is carried over (it never changes), so ``ticket.account`` costs no
    second query in the audit row and the events that follow."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if Ticket.account.is_cached(ticket):
        locked.account = ticket.account
    return locked
