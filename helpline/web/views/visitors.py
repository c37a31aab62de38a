"""The live visitors list: who is on the account's sites now, where, since when, on what device, whether chatting.
It updates over /ws/agent/visitors/ (visitors.js re-fetches one row per event); an agent can watch a visitor
(a toast when they change page) and invite them to chat."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.channels.chat.monitoring import actions, selectors
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view

WORK = permissions.WORK_TICKETS


def _visit_or_404(request, public_id):
    try:
        return selectors.access_visit(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _texts() -> dict:
    return {
        "moved": _("%(visitor)s moved to %(page)s"),
        "left": _("%(visitor)s left the site"),
        "watch": _("Watch"),
        "unwatch": _("Stop watching"),
        "invited": _("Invitation sent."),
        "live": _("Live"),
        "offline": _("Connection lost; trying again…"),
        "error": _("Something went wrong; try again."),
    }


@require_GET
@workspace_view(WORK)
def visitors(request):
    context = {
        "nav": "visitors",
        "visits": selectors.list_live_visits(request.membership.account),
        "texts": _texts(),
        "default_invitation": _("Hello! Can I help you?"),
    }
    return render(request, "agent/visitors.html", context)


@require_GET
@workspace_view(WORK)
def row(request, public_id):
    """One visitor's row, re-fetched by the live list after each event."""
    return render(request, "agent/visitors_row.html", {"visit": _visit_or_404(request, public_id)})


@require_POST
@workspace_view(WORK)
def invite(request, public_id):
    visit = _visit_or_404(request, public_id)
    message = request.POST.get("message", "")
    try:
        invitation = actions.invite_visitor(visit=visit, user=request.user, message=message)
    except DomainError as exc:
        return JsonResponse(
            {"detail": str(exc.message), "code": exc.code}, status=422 if exc.status == 400 else exc.status
        )
    return JsonResponse({"invitation": invitation.public_id, "detail": _("Invitation sent.")}, status=201)
