"""Saved filters from the inbox sidebar: save the current filter, delete one of one's own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.filters.actions import delete_filter, save_filter
from helpline.filters.params import filter_values
from helpline.filters.selectors import get_visible_filter, inbox_url
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.views.inbox import render_inbox


@require_POST
@workspace_view(permissions.WORK_TICKETS, permissions.VIEW_ALL_TICKETS)
def create(request):
    """Save the filter posted (the inbox's current one) under a name; errors show in the sidebar (422)."""
    values = filter_values(request.POST)
    name, shared = request.POST.get("name", ""), request.POST.get("shared") == "on"
    try:
        saved = save_filter(
            account=request.membership.account, owner=request.user, name=name, values=values, shared=shared,
            actor=Actor(user=request.user),
        )  # fmt: skip
    except DomainError as exc:
        request.GET = request.POST.copy()  # show the inbox under the filter the agent tried to save
        return render_inbox(request, save_error=exc.message, save_values={"name": name, "shared": shared}, status=422)
    messages.success(request, _("Filter %(name)s saved.") % {"name": saved.name})
    return redirect(inbox_url(saved.query))


@require_POST
@workspace_view(permissions.WORK_TICKETS, permissions.VIEW_ALL_TICKETS)
def delete(request, public_id):
    """Only the owner deletes a filter; a filter shared by someone else is a 404 here, like one never seen."""
    saved = get_visible_filter(request.membership.account, request.user, public_id)
    if saved is None or saved.owner_id != request.user.pk:
        raise Http404(_("No such filter."))
    delete_filter(saved=saved, actor=Actor(user=request.user))
    messages.success(request, _("Filter %(name)s deleted.") % {"name": saved.name})
    return redirect("web:inbox")
