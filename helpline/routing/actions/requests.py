"""A visitor's chat request through its life: requested, accepted or declined, withdrawn, finished."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from helpline.conversations.actions import assign_ticket
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.routing.actions.ringing import cancel_rings, offer_queued, ring_next
from helpline.routing.models import AgentRouting, ChatRequest, ChatRing
from helpline.security import audit

CHAT_CHANNEL = "chat"


def _locked(request: ChatRequest) -> ChatRequest:
    return ChatRequest.objects.select_for_update().select_related("account").get(pk=request.pk)


def _ids(request: ChatRequest) -> dict:
    return {"account_id": request.account_id, "ticket_id": request.ticket_id, "request_id": request.pk}


@transaction.atomic
def request_chat(*, ticket, department=None, contact=None, actor: Actor = SYSTEM) -> ChatRequest:
    """A visitor started a chat: ring agents per the strategy, queue it, or find nobody (state unavailable).

    Asking again while the ticket's request is still open returns that request.
    """
    if ticket.channel != CHAT_CHANNEL:
        raise DomainError(_("Only chat tickets are routed to agents live."))
    department = department if department is not None else ticket.department
    if department is not None and department.account_id != ticket.account_id:
        raise DomainError(_("That department belongs to another account."))
    contact = contact if contact is not None else ticket.contact
    if contact is not None and contact.account_id != ticket.account_id:
        raise DomainError(_("That contact belongs to another account."))
    existing = (
        ChatRequest.objects.select_for_update()
        .filter(account_id=ticket.account_id, ticket=ticket, state__in=ChatRequest.OPEN_STATES)
        .first()
    )
    if existing is not None:
        return existing
    request = ChatRequest.objects.create(
        account_id=ticket.account_id, ticket=ticket, department=department, contact=contact, created_at=clock.now()
    )
    request = _locked(request)
    audit.record(
        account=request.account,
        actor=actor,
        action="chat.requested",
        subject=request,
        data={"ticket": ticket.public_id, "department": getattr(department, "public_id", None)},
    )
    return ring_next(request)


@transaction.atomic
def accept_chat(*, request: ChatRequest, user, actor: Actor | None = None) -> ChatRequest:
    """The agent takes the chat. Exactly one of several agents accepting at once wins; the others get Conflict."""
    actor = actor or Actor(user=user)
    ring = (
        ChatRing.objects.filter(
            request_id=request.pk,
            user=user,
            state=ChatRing.RINGING,
            round=F("request__round"),
            request__state=ChatRequest.RINGING,
        )
        .only("pk", "round")
        .first()
    )
    if ring is None:
        raise Conflict(_("This chat is no longer ringing for you: someone else took it or the visitor left."))
    now = clock.now()
    # The conditional UPDATE is the race's referee: the database lets one writer see state=ringing.
    won = ChatRequest.objects.filter(pk=request.pk, state=ChatRequest.RINGING, round=ring.round).update(
        state=ChatRequest.ACCEPTED, assigned_user=user, accepted_at=now, ringing_since=None
    )
    if not won:
        raise Conflict(_("This chat is no longer ringing for you: someone else took it or the visitor left."))
    request = _locked(request)
    ChatRing.objects.filter(pk=ring.pk).update(state=ChatRing.ACCEPTED, answered_at=now)
    cancel_rings(request, except_user_id=user.pk)
    AgentRouting.objects.filter(account_id=request.account_id, user=user).update(missed_in_row=0)
    assign_ticket(ticket=request.ticket, assignee=user, actor=actor)
    audit.record(account=request.account, actor=actor, action="chat.accepted", subject=request, data={})
    publish_on_commit(ev.ChatAccepted(**_ids(request), actor_user_id=actor.user_id, agent_user_id=user.pk))
    offer_queued(request.account)  # the other agents' rings held slots
    return request


@transaction.atomic
def decline_chat(*, request: ChatRequest, user, actor: Actor | None = None) -> ChatRequest:
    """The agent lets this chat pass (not counted as missed); when nobody else is ringing, it moves on."""
    actor = actor or Actor(user=user)
    request = _locked(request)
    declined = ChatRing.objects.filter(request=request, user=user, state=ChatRing.RINGING, round=request.round).update(
        state=ChatRing.DECLINED, answered_at=clock.now()
    )
    if request.state != ChatRequest.RINGING or not declined:
        raise Conflict(_("This chat is not ringing for you."))
    audit.record(account=request.account, actor=actor, action="chat.declined", subject=request, data={})
    publish_on_commit(ev.ChatDeclined(**_ids(request), actor_user_id=actor.user_id, agent_user_id=user.pk))
    if not ChatRing.objects.filter(request=request, state=ChatRing.RINGING, round=request.round).exists():
        ring_next(request)
    offer_queued(request.account)  # the declined ring held one of the agent's slots
    return request


@transaction.atomic
def withdraw_chat(*, request: ChatRequest, actor: Actor = SYSTEM) -> ChatRequest:
    """The visitor left before anyone accepted. Safe to call twice."""
    request = _locked(request)
    if request.state in (ChatRequest.WITHDRAWN, ChatRequest.UNAVAILABLE):
        return request
    if request.state not in ChatRequest.OPEN_STATES:
        raise Conflict(_("An agent has already taken this chat; end it instead."))
    cancel_rings(request)
    request.state = ChatRequest.WITHDRAWN
    request.ringing_since = None
    request.finished_at = clock.now()
    request.save(update_fields=["state", "ringing_since", "finished_at"])
    audit.record(account=request.account, actor=actor, action="chat.withdrawn", subject=request, data={})
    publish_on_commit(ev.ChatWithdrawn(**_ids(request), actor_user_id=actor.user_id))
    offer_queued(request.account)
    return request


@transaction.atomic
def finish_chat(*, ticket, actor: Actor = SYSTEM) -> ChatRequest | None:
    """The chat ended: the agent's slot frees and the queue is offered it. A request still ringing is withdrawn."""
    requests = list(
        ChatRequest.objects.select_for_update()
        .select_related("account")
        .filter(account_id=ticket.account_id, ticket=ticket, state__in=(ChatRequest.ACCEPTED, *ChatRequest.OPEN_STATES))
        .order_by("id")
    )
    finished = None
    for request in requests:
        if request.state != ChatRequest.ACCEPTED:
            withdraw_chat(request=request, actor=actor)
            continue
        request.state = ChatRequest.FINISHED
        request.finished_at = clock.now()
        request.save(update_fields=["state", "finished_at"])
        audit.record(account=request.account, actor=actor, action="chat.finished", subject=request, data={})
        publish_on_commit(
            ev.ChatFinished(**_ids(request), actor_user_id=actor.user_id, agent_user_id=request.assigned_user_id)
        )
        finished = request
    if finished is not None:
        offer_queued(finished.account)
    return finished
