"""The agent chat console: incoming chats (ring, accept, decline), several running chats as tabs, the side panel.

Messages, typing and read receipts travel over the console's websocket (/ws/agent/chats/); these views serve the
page, the incoming list it re-fetches on every chat event, and the accept / decline / end buttons."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.channels.chat import actions, files, selectors
from helpline.channels.chat.protocol import state_payload
from helpline.channels.chat.views import read_upload
from helpline.conversations.visibility import restricted_user_id
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view

WORK = permissions.WORK_TICKETS


def _chat_or_404(request, public_id):
    try:
        return selectors.access_agent_chat(request.membership, public_id)  # restricted agents: their chats only
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _tab(session) -> dict:
    return {
        **state_payload(session),
        "contact": session.contact.display_name,
        "panel": f"/agent/chats/{session.public_id}/panel/",
        "ticket": f"/agent/tickets/{session.ticket.public_id}/",
    }


def _texts() -> dict:
    return {
        "send": _("Send"),
        "end": _("End chat"),
        "message": _("Message"),
        "typing": _("Visitor is typing:"),
        "ended": _("The chat has ended."),
        "disconnected": _("The visitor disconnected."),
        "reconnected": _("The visitor is back."),
        "you": _("You"),
        "read": _("Read"),
        "sending": _("Sending…"),
        "newChat": _("New chat"),
        "openTicket": _("Open ticket"),
        "live": _("Live"),
        "offline": _("Connection lost; trying again…"),
        "placeholder": _("Type a message; Enter sends"),
        "close": _("Close tab"),
        "notification": _("New chat from %(name)s"),
        "ratedGood": _("The visitor rated the chat good."),
        "ratedBad": _("The visitor rated the chat bad."),
        "attach": _("Attach a file"),
        "uploading": _("Uploading…"),
    }


@require_GET
@workspace_view(WORK)
def console(request):
    account = request.membership.account
    chats = selectors.list_agent_chats(account, request.user)
    context = {
        "nav": "chats",
        "incoming": selectors.list_incoming_chats(account, request.user, viewer=restricted_user_id(request.membership)),
        "tabs": [_tab(session) for session in chats],
        "texts": _texts(),
        "accept_files": files.ACCEPT,
    }
    return render(request, "agent/chats.html", context)


@require_GET
@workspace_view(WORK)
def incoming(request):
    account = request.membership.account
    viewer = restricted_user_id(request.membership)
    context = {"incoming": selectors.list_incoming_chats(account, request.user, viewer=viewer)}
    return render(request, "agent/chat_incoming.html", context)


@require_GET
@workspace_view(WORK)
def panel(request, public_id):
    session = _chat_or_404(request, public_id)
    context = {
        "chat": session,
        "past_tickets": selectors.list_past_tickets(
            session.contact, viewer=restricted_user_id(request.membership), exclude_ticket_id=session.ticket_id
        ),
    }
    return render(request, "agent/chat_panel.html", context)


def _problem(exc: DomainError) -> JsonResponse:
    return JsonResponse({"detail": str(exc.message), "code": exc.code}, status=exc.status)


@require_POST
@workspace_view(WORK)
def accept(request, public_id):
    session = _chat_or_404(request, public_id)
    try:
        session = actions.accept_chat(session=session, user=request.user, actor=Actor(user=request.user))
    except DomainError as exc:
        return _problem(exc)
    return JsonResponse({"chat": _tab(_chat_or_404(request, session.public_id))})


@require_POST
@workspace_view(WORK)
def decline(request, public_id):
    session = _chat_or_404(request, public_id)
    try:
        actions.decline_chat(session=session, user=request.user)
    except DomainError as exc:
        return _problem(exc)
    return JsonResponse({"detail": "declined"})


@require_POST
@workspace_view(WORK)
def end(request, public_id):
    session = _chat_or_404(request, public_id)
    if session.agent_id != request.user.pk and not request.membership.has_perm(permissions.MANAGE_SETTINGS):
        return JsonResponse({"detail": "Only the agent in the chat can end it.", "code": "forbidden"}, status=403)
    session = actions.end_chat(session=session, ended_by="agent", user=request.user)
    return JsonResponse({"chat": state_payload(session)})


@require_POST
@workspace_view(WORK)
def upload(request, public_id):
    """The agent shares a file in a chat they are in: acknowledged like a message sent over the socket."""
    session = _chat_or_404(request, public_id)
    try:
        cid, upload_file = read_upload(request)
        line = actions.post_agent_message(session=session, user=request.user, cid=cid, text="", file=upload_file)
    except DomainError as exc:
        return _problem(exc)
    return JsonResponse({"cid": line.cid, "id": line.message.public_id, "seq": line.seq}, status=201)
