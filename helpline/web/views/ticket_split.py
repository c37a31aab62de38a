"""Split a ticket from a chosen message onward: the small form (GET) and the split itself (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpline.conversations.actions import split_ticket
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy import permissions
from helpline.tenancy.selectors import get_agent, get_department, list_agents, list_departments
from helpline.web.decorators import workspace_view
from helpline.web.htmx import is_htmx
from helpline.web.ticket_context import message_of_ticket_or_404, ticket_or_404


def _form(request, ticket, message, *, values: dict | None = None, error: str = "", status: int = 200):
    account = request.membership.account
    context = {
        "ticket": ticket,
        "message": message,
        "agents": list_agents(account),
        "departments": list_departments(account),
        "values": values or {"subject": ticket.subject, "department": getattr(ticket.department, "public_id", "")},
        "error": error,
    }
    template = "agent/_split_form.html" if is_htmx(request) else "agent/ticket_split.html"
    return render(request, template, context, status=status)


def _chosen(request) -> tuple[object, object]:
    account = request.membership.account
    assignee = department = None
    if chosen := request.POST.get("assignee", "").strip():
        assignee = get_agent(account, chosen)
        if assignee is None:
            raise DomainError(_("Choose an agent of this account."))
    if chosen := request.POST.get("department", "").strip():
        department = get_department(account, chosen)
        if department is None:
            raise DomainError(_("Choose a department of this account."))
    return assignee, department


@require_http_methods(["GET", "POST"])
@workspace_view(permissions.WORK_TICKETS)
def split(request, public_id):
    ticket = ticket_or_404(request, public_id)
    source = request.POST if request.method == "POST" else request.GET
    message = message_of_ticket_or_404(request, ticket, source.get("message", "").strip())
    if request.method == "GET":
        return _form(request, ticket, message)
    try:
        assignee, department = _chosen(request)
        new = split_ticket(
            ticket=ticket,
            from_message=message,
            assignee=assignee,
            department=department,
            subject=request.POST.get("subject", ""),
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _form(request, ticket, message, values=request.POST.dict(), error=exc.message, status=422)
    done = _("Split into ticket #%(code)s.") % {"code": new.code}
    messages.success(request, done)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:ticket", kwargs={"public_id": new.public_id})
        return response
    return redirect("web:ticket", public_id=new.public_id)
