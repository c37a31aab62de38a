"""Side-panel changes to a ticket: assign, transfer, status, priority, tags. Each answers with the panel."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.conversations.actions import (
    assign_ticket,
    change_priority,
    change_status,
    set_tags,
    transfer_ticket,
)
from helpline.conversations.actions import set_contact_fields as set_contact_fields_action
from helpline.conversations.actions import set_ticket_fields as set_ticket_fields_action
from helpline.conversations.statuses import PRIORITY_BY_NAME
from helpline.conversations.visibility import still_visible
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy import permissions
from helpline.tenancy.selectors import get_agent, get_department
from helpline.web.custom_field_panel import posted_values
from helpline.web.decorators import workspace_view
from helpline.web.htmx import is_htmx
from helpline.web.ticket_context import panel_context, ticket_or_404
from helpline.web.views.tickets import render_ticket_page

MAX_TAGS = 20
FIELD_FORMS = {"ticket_fields": "ticket", "contact_fields": "contact"}  # the side panel's custom field forms


def _update(request, public_id, *, field: str, change, done: str):
    """Run ``change(ticket, actor)``; a DomainError becomes the field's error and nothing is saved."""
    account = request.membership.account
    ticket = ticket_or_404(request, public_id)
    try:
        change(ticket, Actor(user=request.user))
    except DomainError as exc:
        errors = {field: exc.message}
        if not is_htmx(request):
            return render_ticket_page(request, ticket, errors=errors, status=422)
        tags_input = request.POST.get("tags") if field == "tags" else None
        fields_for = FIELD_FORMS.get(field, "")
        context = panel_context(
            account, ticket, errors=errors, tags_input=tags_input, fields_input=request.POST if fields_for else None,
            fields_input_for=fields_for,
        )  # fmt: skip
        return render(request, "agent/_side_panel.html", context, status=422)
    if not still_visible(request.membership, ticket):  # moved out of what the agent may see (another department)
        messages.success(request, done)
        if not is_htmx(request):
            return redirect("web:inbox")
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:inbox")
        return response
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("web:ticket", public_id=ticket.public_id)
    ticket = ticket_or_404(request, public_id)
    response = render(request, "agent/_side_panel.html", panel_context(account, ticket))
    # A toast, not a note inside the panel: realtime.js re-fetches the panel right after our own change.
    response["HX-Trigger"] = json.dumps({"helpline:toast": {"message": str(done), "kind": "success"}})
    return response


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def assign(request, public_id):
    chosen = request.POST.get("assignee", "").strip()

    def change(ticket, actor):
        assignee = None
        if chosen:
            assignee = get_agent(request.membership.account, chosen)
            if assignee is None:
                raise DomainError(_("Choose an agent of this account."))
        assign_ticket(ticket=ticket, assignee=assignee, actor=actor)

    return _update(request, public_id, field="assignee", change=change, done=_("Assignee saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def transfer(request, public_id):
    chosen = request.POST.get("department", "").strip()

    def change(ticket, actor):
        department = None
        if chosen:
            department = get_department(request.membership.account, chosen)
            if department is None:
                raise DomainError(_("Choose a department of this account."))
        transfer_ticket(ticket=ticket, department=department, actor=actor)

    return _update(request, public_id, field="department", change=change, done=_("Department saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def set_status(request, public_id):
    status = request.POST.get("status", "").strip()

    def change(ticket, actor):
        change_status(ticket=ticket, status=status, actor=actor)

    return _update(request, public_id, field="status", change=change, done=_("Status saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def set_priority(request, public_id):
    chosen = request.POST.get("priority", "").strip().lower()

    def change(ticket, actor):
        if chosen not in PRIORITY_BY_NAME:
            raise DomainError(_("Choose one of the listed priorities."))
        change_priority(ticket=ticket, priority=PRIORITY_BY_NAME[chosen], actor=actor)

    return _update(request, public_id, field="priority", change=change, done=_("Priority saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def update_tags(request, public_id):
    names = [name.strip() for name in request.POST.get("tags", "").split(",") if name.strip()]

    def change(ticket, actor):
        if len(names) > MAX_TAGS:
            raise DomainError(_("A ticket can carry at most %(max)d tags.") % {"max": MAX_TAGS})
        if any(len(name) > 64 for name in names):
            raise DomainError(_("A tag is at most 64 characters long."))
        set_tags(ticket=ticket, names=names, actor=actor)

    return _update(request, public_id, field="tags", change=change, done=_("Tags saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def set_ticket_fields(request, public_id):
    account = request.membership.account
    values = posted_values(account, "ticket", request.POST)

    def change(ticket, actor):
        set_ticket_fields_action(ticket=ticket, values=values, actor=actor)

    return _update(request, public_id, field="ticket_fields", change=change, done=_("Fields saved."))


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def set_contact_fields(request, public_id):
    account = request.membership.account
    values = posted_values(account, "contact", request.POST)

    def change(ticket, actor):
        set_contact_fields_action(contact=ticket.contact, values=values, actor=actor)

    return _update(request, public_id, field="contact_fields", change=change, done=_("Customer fields saved."))
