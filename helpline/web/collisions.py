"""The send-time collision check: did another agent answer the customer since this agent last looked?

The composer posts ``seen``, the public id of the newest message the agent had on screen. A customer-visible
reply (outbound) written after it by someone else means two answers are about to cross: the composer shows that
reply and sends only when the agent confirms (``send_anyway``)."""

from __future__ import annotations

from helpline.conversations.models import Message
from helpline.conversations.statuses import Direction

SEEN_FIELD, SEND_ANYWAY_FIELD = "seen", "send_anyway"


def replies_since(ticket, *, seen: str, user) -> list[Message]:
    """Other people's replies to the customer after the message ``seen`` (an id not of this ticket: all of them)."""
    seen_pk = (
        Message.objects.filter(account_id=ticket.account_id, ticket=ticket, public_id=seen)
        .values_list("pk", flat=True)
        .first()
        if seen
        else None
    )
    replies = Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND, author_user__isnull=False).exclude(
        author_user=user
    )  # automatic answers (no author) are no colliding agent
    if seen_pk is not None:
        replies = replies.filter(pk__gt=seen_pk)
    return list(replies.select_related("author_user").order_by("id"))


def colliding_replies(request, ticket) -> list[Message]:
    """What to warn about before this reply goes out; nothing when the agent already confirmed or sent no ``seen``."""
    seen = request.POST.get(SEEN_FIELD, "").strip()
    if not seen or request.POST.get(SEND_ANYWAY_FIELD):
        return []
    return replies_since(ticket, seen=seen[:64], user=request.user)
