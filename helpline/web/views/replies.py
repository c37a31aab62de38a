"""What the reply boxes insert: the agent's canned messages ("/" + shortcut) and predefined answers, rendered for
one ticket. JSON for helpline/static/helpline/replies.js; only items the agent may see, only tickets they may open."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from helpline.conversations.statuses import Status
from helpline.replies.placeholders import known_names, render_text, values_for
from helpline.replies.selectors import list_visible_answers, search_canned_messages
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.ticket_context import ticket_or_404


def _renderer(request):
    """Text → text with the placeholders of the ticket named in ?ticket= filled in (only the agent's without one)."""
    ticket_id = request.GET.get("ticket", "")
    if not ticket_id:
        values = {"agent.name": request.user.alias or request.user.display_name}
        return lambda text: render_text(text, values, known=set(values))
    ticket = ticket_or_404(request, ticket_id)
    values = values_for(ticket=ticket, agent=request.user)
    known = known_names(request.membership.account)
    return lambda text: render_text(text, values, known=known)


@require_GET
@workspace_view(permissions.WORK_TICKETS)
def canned_messages(request):
    """?q= filters by shortcut (prefix) or name; at most 20, shortcut matches first."""
    render = _renderer(request)
    found = search_canned_messages(request.membership.account, request.user, request.GET.get("q", "")[:100])
    items = [{"id": c.public_id, "name": c.name, "shortcut": c.shortcut, "text": render(c.body)} for c in found]
    return JsonResponse({"items": items})


@require_GET
@workspace_view(permissions.WORK_TICKETS)
def predefined_answers(request):
    render = _renderer(request)
    labels = dict(Status.choices)
    items = [
        {
            "id": a.public_id,
            "name": a.name,
            "text": render(a.body),
            "files": [f.name for f in a.attachments.all()],
            "status": str(labels.get(a.set_status, "")) if a.set_status else "",
            "tags": list(a.add_tags),
        }
        for a in list_visible_answers(request.membership.account, request.user)
    ]
    return JsonResponse({"items": items})
