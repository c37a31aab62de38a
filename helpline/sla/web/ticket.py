"""The SLA card of the ticket page's side panel: the level and each target's countdown (static/sla/countdown.js)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from helpline.core import clock
from helpline.sla.display import target_views
from helpline.sla.selectors import state_of_ticket
from helpline.web.decorators import workspace_view
from helpline.web.ticket_context import ticket_or_404
from helpline.web.views.tickets import WORK


@require_GET
@workspace_view(*WORK)
def ticket_card(request, public_id):
    ticket = ticket_or_404(request, public_id)
    state = state_of_ticket(ticket)
    now = clock.now()
    context = {"ticket": ticket, "state": state, "targets": target_views(state, ticket, now), "now": now}
    return render(request, "sla/_ticket_sla.html", context)
