"""The "To solve" button: how many tickets wait for the agent, and opening the most urgent one (helpline.tosolve).

The ticket page claims its ticket for the agent while it is open (``hold``), so To solve hands it to nobody else."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.tenancy import permissions
from helpline.tosolve import claims
from helpline.tosolve.queue import count_waiting, next_ticket
from helpline.web.decorators import workspace_view
from helpline.web.ticket_context import ticket_or_404


@require_GET
@workspace_view(permissions.WORK_TICKETS)
def count(request):
    waiting, capped = count_waiting(request.membership)
    return render(request, "agent/_to_solve.html", {"waiting": waiting, "capped": capped})


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def open_next(request):
    membership = request.membership
    ticket = next_ticket(membership)
    if ticket is None:
        messages.info(request, _("Nothing to solve: no ticket is waiting for you."))
        return redirect("web:inbox")
    claims.hold(ticket_id=ticket.pk, user_id=membership.user_id)
    claims.hand_out(account_id=membership.account_id, user_id=membership.user_id, ticket_id=ticket.pk)
    return redirect("web:ticket", public_id=ticket.public_id)


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def hold(request, public_id):
    """The open ticket page renews its claim (every claims.RENEW_SECONDS)."""
    ticket = ticket_or_404(request, public_id)
    claims.hold(ticket_id=ticket.pk, user_id=request.membership.user_id)
    return HttpResponse(status=204)
