"""What the ticket page, its thread partial and its side panel show."""

from __future__ import annotations

from helpline.conversations.access import access_ticket
from helpline.conversations.selectors import get_thread
from helpline.conversations.statuses import PRIORITY_NAMES, SETTABLE_STATUSES, Priority
from helpline.core.errors import NotFound
from helpline.tenancy.selectors import list_agents, list_departments


def ticket_or_404(request, public_id: str):
    from django.http import Http404

    try:
        return access_ticket(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def thread_context(ticket) -> dict:
    return {"ticket": ticket, "thread": get_thread(ticket)}


def panel_context(account, ticket, *, errors: dict | None = None, tags_input: str | None = None) -> dict:
    statuses = [(s.value, s.label) for s in SETTABLE_STATUSES]
    if ticket.status not in {value for value, _label in statuses}:  # chatting or calling: a live session
        statuses.insert(0, (ticket.status, ticket.get_status_display()))
    tag_names = [t.name for t in ticket.tags.all()]
    return {
        "ticket": ticket,
        "agents": list_agents(account),
        "departments": list_departments(account),
        "statuses": statuses,
        "priorities": [(p.name.lower(), p.label) for p in Priority],
        "current_priority": PRIORITY_NAMES.get(ticket.priority, ""),
        "tags_input": ", ".join(tag_names) if tags_input is None else tags_input,
        "errors": errors or {},
    }
