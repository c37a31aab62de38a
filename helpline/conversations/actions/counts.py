"""A ticket's counters after messages moved in or out of it (split, merge)."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q

from helpline.conversations.models import Message, Ticket, TicketTag
from helpline.conversations.statuses import Direction


def recount_ticket(ticket: Ticket) -> None:
    """message_count, last_activity_at and first_response_at from the messages the ticket holds now."""
    stats = Message.objects.filter(ticket=ticket).aggregate(
        count=Count("id"),
        last=Max("created_at"),
        first_response=Min("created_at", filter=Q(direction=Direction.OUTBOUND, author_user__isnull=False)),
    )
    ticket.message_count = stats["count"]
    ticket.last_activity_at = stats["last"] or ticket.last_activity_at
    ticket.first_response_at = stats["first_response"]
    ticket.save(update_fields=["message_count", "last_activity_at", "first_response_at", "updated_at"])
    TicketTag.objects.filter(ticket=ticket).update(last_activity_at=ticket.last_activity_at)
