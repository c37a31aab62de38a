"""Storing a customer's rating. The first answer sets the value; a later one may change the comment only."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events.types import RatingReceived
from helpline.security import audit
from helpline.surveys.models import Rating

MAX_COMMENT = 5000


def _clean(value: str, comment: str) -> tuple[str, str]:
    if value not in (Rating.GOOD, Rating.BAD):
        raise DomainError(_("Choose good or bad."))
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(_("Use at most %(n)d characters for the comment.") % {"n": MAX_COMMENT})
    return value, comment


@transaction.atomic
def record_rating(*, ticket, value: str, comment: str = "", source: str = Rating.EMAIL) -> tuple[Rating, bool]:
    """``(rating, created)``. A ticket has one rating per source: when one exists, its value stays as first
    given and only the comment is replaced (``created`` is False)."""
    value, comment = _clean(value, comment)
    rating = Rating.objects.select_for_update().filter(ticket=ticket, source=source).first()
    created = rating is None
    if created:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    account_id=ticket.account_id,
                    ticket=ticket,
                    source=source,
                    value=value,
                    comment=comment,
                    agent_id=ticket.assignee_id,
                )
        except IntegrityError:  # a concurrent first answer won: treat this one as a second answer
            rating = Rating.objects.select_for_update().get(ticket=ticket, source=source)
            created = False
    if not created:
        if rating.comment == comment:
            return rating, False
        rating.comment = comment
        rating.save(update_fields=["comment", "updated_at"])
    audit.record(
        account=ticket.account,
        actor=SYSTEM,
        action="rating.received" if created else "rating.comment_changed",
        subject=rating,
        data={"ticket": ticket.public_id, "value": rating.value, "source": source, "by": "contact"},
    )
    publish_on_commit(
        RatingReceived(
            account_id=ticket.account_id,
            ticket_id=ticket.pk,
            rating_id=rating.pk,
            value=rating.value,
            source=source,
            changed=not created,
        )
    )
    return rating, created
