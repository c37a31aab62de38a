"""The ticket view: thread, composer (reply, internal note, forward) and the partials realtime.js re-fetches."""

from __future__ import annotations

import json
from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from helpline.conversations.actions import add_note, send_reply
from helpline.conversations.actions.messages import retry_delivery
from helpline.conversations.selectors import follow_merges
from helpline.conversations.visibility import can_see_ticket
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.replies.actions import send_predefined_answer
from helpline.tenancy import permissions
from helpline.tosolve import claims
from helpline.tosolve.answering import may_answer
from helpline.web.collisions import colliding_replies
from helpline.web.composer import FORWARD, NOTE, REPLY, ComposerState, parse_addresses, read_uploads
from helpline.web.decorators import workspace_view
from helpline.web.htmx import is_htmx
from helpline.web.replies import chosen_answer
from helpline.web.ticket_context import (
    composer_context,
    message_of_ticket_or_404,
    panel_context,
    thread_context,
    ticket_or_404,
)
from helpline.web.ticket_history import ticket_history

WORK = (permissions.WORK_TICKETS,)
DONE = {
    REPLY: gettext_lazy("Reply queued."),
    NOTE: gettext_lazy("Note added."),
    FORWARD: gettext_lazy("Forward queued."),
}


def render_ticket_page(
    request, ticket, *, composer: ComposerState | None = None, errors: dict | None = None, status: int = 200
):
    account = request.membership.account
    thread = thread_context(request, ticket)
    context = {
        **thread,
        **panel_context(account, ticket, errors=errors),
        **composer_context(ticket, thread["thread"], composer),
        "answer_through_to_solve": not may_answer(request.membership, ticket),
    }
    return render(request, "agent/ticket.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def ticket_page(request, public_id):
    ticket = ticket_or_404(request, public_id)
    if ticket.merged_into_id:  # a merged ticket lives on in the ticket it was merged into
        survivor = follow_merges(ticket)
        if not can_see_ticket(request.membership, survivor):  # into another department's ticket: nothing to show
            raise Http404(_("No such ticket."))
        messages.info(request, _("Ticket #%(code)s was merged into this ticket.") % {"code": ticket.code})
        return redirect("web:ticket", public_id=survivor.public_id)
    claims.hold(ticket_id=ticket.pk, user_id=request.membership.user_id)  # To solve hands it to nobody else
    forward_id = request.GET.get("forward", "")
    if forward_id:  # the Forward link without JavaScript: the page opens with the composer in forward mode
        composer = ComposerState(mode=FORWARD, forward=message_of_ticket_or_404(request, ticket, forward_id))
        return render_ticket_page(request, ticket, composer=composer)
    return render_ticket_page(request, ticket)


@require_GET
@workspace_view(*WORK)
def thread_partial(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return render(request, "agent/_thread.html", thread_context(request, ticket))


@require_GET
@workspace_view(*WORK)
def panel_partial(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return render(request, "agent/_side_panel.html", panel_context(request.membership.account, ticket))


@require_GET
@workspace_view(*WORK)
def history_partial(request, public_id):
    """The ticket's history, one page at a time (the side panel loads it when opened; "More" appends the next)."""
    ticket = ticket_or_404(request, public_id)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return render(request, "agent/_history.html", {"ticket": ticket, "history": ticket_history(ticket, page=page)})


def _write(request, ticket, state: ComposerState) -> None:
    actor = Actor(user=request.user)
    if state.mode == NOTE:
        add_note(ticket=ticket, author=request.user, text=state.body, html_body=state.body_html, actor=actor)
        return
    if state.mode == FORWARD:
        send_reply(
            ticket=ticket,
            author=request.user,
            text=state.body,
            html_body=state.body_html,
            actor=actor,
            to=parse_addresses(state.to),
            cc=parse_addresses(state.cc),
            forward=state.forward,
        )
        return
    answer = chosen_answer(request)  # a predefined answer adds its files and follow-up changes
    send = partial(send_predefined_answer, answer=answer) if answer else send_reply
    send(
        ticket=ticket,
        author=request.user,
        text=state.body,
        html_body=state.body_html,
        actor=actor,
        to=parse_addresses(state.to),
        cc=parse_addresses(state.cc),
        bcc=parse_addresses(state.bcc),
        attachments=read_uploads(request.FILES.getlist("attachments")),
    )


def _refuse(request, ticket, state: ComposerState):
    """The composer again with what was typed, and why it was not sent (an error, or another agent's reply)."""
    if not is_htmx(request):
        return render_ticket_page(request, ticket, composer=state, status=422)
    thread = thread_context(request, ticket)
    context = {**thread, **composer_context(ticket, thread["thread"], state)}
    template = "agent/_composer_collision.html" if state.collisions else "agent/_composer.html"
    return render(request, template, context, status=422)


def _compose(request, ticket, state: ComposerState):
    if state.mode == REPLY:
        state.collisions = colliding_replies(request, ticket)
        if state.collisions:
            return _refuse(request, ticket, state)
    try:
        _write(request, ticket, state)
    except DomainError as exc:
        state.error = exc.message
        return _refuse(request, ticket, state)
    if not is_htmx(request):
        messages.success(request, DONE[state.mode])
        return redirect("web:ticket", public_id=ticket.public_id)
    ticket = ticket_or_404(request, ticket.public_id)  # re-read: status, counters and activity changed
    thread = thread_context(request, ticket)
    context = {
        **thread,
        **panel_context(request.membership.account, ticket),
        **composer_context(ticket, thread["thread"], ComposerState(mode=state.mode if state.mode == NOTE else REPLY)),
    }
    return render(request, "agent/_composer_sent.html", context)


@require_POST
@workspace_view(*WORK)
def post_reply(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return _compose(request, ticket, ComposerState.from_post(request.POST, mode=REPLY))


@require_POST
@workspace_view(*WORK)
def post_note(request, public_id):
    ticket = ticket_or_404(request, public_id)
    return _compose(request, ticket, ComposerState.from_post(request.POST, mode=NOTE))


@require_POST
@workspace_view(*WORK)
def post_forward(request, public_id):
    ticket = ticket_or_404(request, public_id)
    state = ComposerState.from_post(request.POST, mode=FORWARD)
    state.forward = message_of_ticket_or_404(request, ticket, request.POST.get("message", ""))
    return _compose(request, ticket, state)


@require_POST
@workspace_view(*WORK)
def retry_message(request, public_id, message_id):
    ticket = ticket_or_404(request, public_id)
    message = message_of_ticket_or_404(request, ticket, message_id)
    try:
        retry_delivery(message=message, actor=Actor(user=request.user))
    except DomainError as exc:
        done, kind, status = exc.message, "error", 422
    else:
        done, kind, status = _("Sending again."), "success", 200
    if not is_htmx(request):
        (messages.success if kind == "success" else messages.error)(request, done)
        return redirect("web:ticket", public_id=ticket.public_id)
    response = render(request, "agent/_thread.html", thread_context(request, ticket), status=status)
    response["HX-Trigger"] = json.dumps({"helpline:toast": {"message": str(done), "kind": kind}})
    return response
