"""Open an internal ticket: agent to agent or to a department, no customer, nothing ever sent."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpline.conversations.actions.internal import open_internal_ticket
from helpline.conversations.statuses import Priority
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import get_agent, get_department, list_agent_choices, list_department_choices
from helpline.web.decorators import workspace_view
from helpline.web.views.contacts import WORK


@require_http_methods(["GET", "POST"])
@workspace_view(*WORK)
def new_internal_ticket(request):
    account = request.membership.account
    values = {"subject": "", "body": "", "assignee": "", "department": "", "priority": str(Priority.NORMAL.value)}
    error = ""
    if request.method == "POST":
        values = {key: request.POST.get(key, default).strip() for key, default in values.items()}
        assignee = get_agent(account, values["assignee"][:16]) if values["assignee"] else None
        department = get_department(account, values["department"][:16]) if values["department"] else None
        try:
            if (values["assignee"] and assignee is None) or (values["department"] and department is None):
                raise DomainError(_("Choose an agent and a department of this account."))
            priority = int(values["priority"]) if values["priority"].isdigit() else Priority.NORMAL
            ticket = open_internal_ticket(
                account=account, author=request.user, subject=values["subject"][:255], text=values["body"],
                assignee=assignee, department=department, priority=priority, actor=Actor(user=request.user),
            )  # fmt: skip
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Internal ticket #%(code)s opened.") % {"code": ticket.code})
            return redirect("web:ticket", ticket.public_id)
    context = {
        "values": values,
        "error": error,
        "agents": list_agent_choices(account),
        "departments": list_department_choices(account),
        "priorities": [(str(p.value), p.label) for p in Priority],
        "nav": "internal",
    }
    return render(request, "agent/internal_ticket_new.html", context, status=422 if error else 200)
