"""Reads: the ticket a survey token names (in its own account only), and a ticket's ratings."""

from __future__ import annotations

from helpline.conversations.models import Ticket
from helpline.surveys.models import Rating
from helpline.surveys.tokens import SurveyToken


def ticket_for_token(token: SurveyToken) -> Ticket | None:
    """The ticket, looked up by both public ids: a token can never reach another account's ticket."""
    return (
        Ticket.objects.select_related("account", "brand")
        .filter(account__public_id=token.account_public_id, public_id=token.ticket_public_id)
        .first()
    )


def rating_of(ticket, source: str = Rating.EMAIL) -> Rating | None:
    return Rating.objects.filter(account_id=ticket.account_id, ticket=ticket, source=source).first()


def ratings_of(ticket) -> list[Rating]:
    return list(Rating.objects.filter(account_id=ticket.account_id, ticket=ticket).order_by("created_at"))
