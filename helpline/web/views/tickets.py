"""The ticket view: thread, composer (reply and internal note) and the partials realtime.js re-fetches."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.conversations.actions import add_note, send_reply
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.htmx import is_htmx
from helpline.web.ticket_context import panel_context, thread_context, ticket_or_404

REPLY, NOTE = "reply", "note"
WORK = (permissions.WORK_TICKETS,)


def render_ticket_page(request, ticket, *, composer: dict | None = None, errors: dict | None = None, status: int = 200):
    account = request.membership.account
    context = {
        **thread_context(ticket),
        **panel_context(account, ticket, errors=errors),
        "composer": composer or {"mode": REPLY, "body": "", "error": ""},
    }
    return render(request, "agent/ticket.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def ticket_page(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return render_ticket_page(request, ticket)


@require_GET
@workspace_view(*WORK)
def thread_partial(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return render(request, "agent/_thread.html", thread_context(ticket))


@require_GET
@workspace_view(*WORK)
def panel_partial(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return render(request, "agent/_side_panel.html", panel_context(request.membership.account, ticket))


def _compose(request, public_id, *, mode: str):
    ticket = ticket_or_404(request, public_id)
    body = request.POST.get("body", "")
    write = send_reply if mode == REPLY else add_note
    try:
        write(ticket=ticket, author=request.user, text=body, actor=Actor(user=request.user))
    except DomainError as exc:
        composer = {"mode": mode, "body": body, "error": exc.message}
        if is_htmx(request):
            return render(request, "agent/_composer.html", {"ticket": ticket, "composer": composer}, status=422)
        return render_ticket_page(request, ticket, composer=composer, status=422)
    if not is_htmx(request):
        messages.success(request, _("Reply queued.") if mode == REPLY else _("Note added."))
        return redirect("web:ticket", public_id=ticket.public_id)
    ticket = ticket_or_404(request, public_id)  # re-read: status, counters and activity changed
    context = {
        **thread_context(ticket),
        **panel_context(request.membership.account, ticket),
        "composer": {"mode": mode, "body": "", "error": ""},
    }
    return render(request, "agent/_composer_sent.html", context)


@require_POST
@workspace_view(*WORK)
def post_reply(request, public_id):
    return _compose(request, public_id, mode=REPLY)


@require_POST
@workspace_view(*WORK)
def post_note(request, public_id):
    return _compose(request, public_id, mode=NOTE)
