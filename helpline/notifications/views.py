"""The notification centre in the workspace: the bell (count + dropdown), the full list, marking read, and each
agent's preferences (a personal settings section)."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.notifications import actions, kinds, preferences, selectors, texts
from helpline.web.decorators import workspace_view
from helpline.web.htmx import is_htmx
from helpline.web.views.settings.sections import render_section, saved, section_view

SECTION = "notifications"


def _page(request) -> dict:
    """One page of the agent's list, older than the ``before`` cursor (a notification's public id)."""
    membership = request.membership
    before = request.GET.get("before", "")
    before_id = None
    if before:
        before_id = selectors.id_of(membership.account_id, membership.user_id, before[:32])
        if before_id is None:
            raise Http404(_("This page of notifications does not exist; start again from the first one."))
    rows = selectors.list_notifications(membership, before_id=before_id, limit=selectors.PAGE_SIZE + 1)
    items = [(n, texts.text_of(n), texts.ticket_path(n.ticket)) for n in rows[: selectors.PAGE_SIZE]]
    more = rows[selectors.PAGE_SIZE - 1].public_id if len(rows) > selectors.PAGE_SIZE else ""
    unread = selectors.unread_count(membership.account_id, membership.user_id)
    return {"items": items, "next_cursor": more, "unread": unread}


@require_GET
@workspace_view()
def bell(request):
    unread = selectors.unread_count(request.membership.account_id, request.user.pk)
    return render(request, "notifications/_bell.html", {"unread": unread})


@require_GET
@workspace_view()
def count(request):
    response = JsonResponse({"unread": selectors.unread_count(request.membership.account_id, request.user.pk)})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@workspace_view()
def notification_list(request):
    """The full page; the bell's dropdown (and "show older") loads the list alone through htmx."""
    context = _page(request)
    if is_htmx(request):
        return render(request, "notifications/_list.html", context)
    return render(request, "notifications/page.html", {**context, "nav": "notifications"})


def _after_marking(request, message: str):
    if is_htmx(request):
        response = render(request, "notifications/_list.html", _page(request))
        response["HX-Trigger"] = '{"helpline:notifications-read": {}}'
        return response
    from django.contrib import messages

    messages.success(request, message)
    return redirect("notifications:list")


@require_POST
@workspace_view()
def mark_read(request, public_id):
    try:
        actions.mark_read(account=request.membership.account, user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _after_marking(request, _("Marked as read."))


@require_POST
@workspace_view()
def mark_all_read(request):
    actions.mark_all_read(account=request.membership.account, user=request.user)
    return _after_marking(request, _("All notifications are marked as read."))


@require_GET
@workspace_view()
def open_notification(request, public_id):
    """Follow a notification: mark it read and open its ticket."""
    try:
        found = actions.mark_read(account=request.membership.account, user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect(texts.ticket_path(found.ticket))


def _posted_choices(post) -> dict[str, dict[str, bool]]:
    return {kind: {way: post.get(f"{kind}.{way}") == "on" for way in kinds.WAYS} for kind in kinds.KINDS}


@require_http_methods(["GET", "POST"])
@section_view(SECTION)
def preferences_page(request):
    account, error = request.membership.account, ""
    if request.method == "POST":
        try:
            actions.set_preferences(
                account=account,
                user=request.user,
                choices=_posted_choices(request.POST),
                actor=Actor(user=request.user),
            )
        except DomainError as exc:
            error = exc.message
        else:
            return saved(request, SECTION, _("Your notification settings were saved."))
    context = {"rows": preferences.table_for(account.pk, request.user.pk), "error": error}
    return render_section(request, SECTION, "notifications/preferences.html", context, status=422 if error else 200)
