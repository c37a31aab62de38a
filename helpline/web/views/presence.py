"""The agent's presence switch in the workspace header: read it, and set one's own (or, with the permission,
a colleague's) presence per channel. The browser also reports idleness here (``reason=idle``)."""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.routing.actions import mark_active, mark_idle, set_presence
from helpline.routing.models import Presence, PresenceChannel
from helpline.routing.selectors import get_presence
from helpline.tenancy import permissions
from helpline.tenancy.selectors import get_agent
from helpline.web.decorators import workspace_view


def _render(request, user, *, error: str = "", status: int = 200):
    account = request.membership.account
    context = {
        "presence": {c: get_presence(account, user, c) for c in PresenceChannel.values},
        "presence_states": Presence.choices,
        "presence_channels": PresenceChannel.choices,
        "presence_error": error,
    }
    return render(request, "agent/_presence.html", context, status=status)


@require_http_methods(["GET", "POST"])
@workspace_view()
def presence(request):
    account = request.membership.account
    if request.method == "GET":
        return _render(request, request.user)
    user = request.user
    agent_id = request.POST.get("agent", "")
    if agent_id and agent_id != request.user.public_id:
        if not request.membership.has_perm(permissions.MANAGE_AGENT_STATUSES):
            return _render(request, request.user, error=_("You may only change your own presence."), status=403)
        user = get_agent(account, agent_id)
        if user is None:
            raise Http404(_("No such agent."))
    activity = request.POST.get("activity", "")
    if activity in ("idle", "active"):
        (mark_idle if activity == "idle" else mark_active)(account=account, user=user)
        return _render(request, user)
    try:
        set_presence(
            account=account,
            user=user,
            channel=request.POST.get("channel", PresenceChannel.CHAT),
            state=request.POST.get("state", ""),
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        if request.headers.get("HX-Request") != "true":
            return HttpResponseBadRequest(exc.message)
        return _render(request, user, error=exc.message, status=400)
    return _render(request, user)
