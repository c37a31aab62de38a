"""The per-agent option "answer only through To solve": such an agent answers only the ticket To solve handed
them last, so the queue order cannot be skipped. Viewing, notes and everything else stay as they are."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.tosolve.claims import handed_out


class AnswerThroughToSolve(DomainError):
    """The agent may answer only the ticket To solve handed them."""

    status = 403
    code = "answer_through_to_solve"


def may_answer(membership, ticket) -> bool:
    """Whether this member may answer this ticket (always, unless they answer only through To solve)."""
    if not membership.answer_only_to_solve:
        return True
    return handed_out(account_id=membership.account_id, user_id=membership.user_id) == ticket.pk


def ensure_may_answer(*, ticket, author) -> None:
    """Raise AnswerThroughToSolve when ``author`` (a user, or None for Helpline itself) may not answer ``ticket``."""
    if author is None:
        return
    from helpline.tenancy.models import Membership

    membership = Membership.objects.filter(
        account_id=ticket.account_id, user_id=author.pk, answer_only_to_solve=True
    ).first()
    if membership is not None and not may_answer(membership, ticket):
        raise AnswerThroughToSolve(_("You answer tickets through To solve: open the next ticket with To solve."))
