"""Handing a running chat to another agent or department (it rings there), and inviting a colleague in."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions import transfer_ticket
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.routing.actions.ringing import offer_queued, ring_next
from helpline.routing.models import ChatInvitation, ChatRequest, ChatRing
from helpline.security import audit
from helpline.tenancy.models import Membership


def _running(ticket) -> ChatRequest:
    request = (
        ChatRequest.objects.select_for_update()
        .select_related("account")
        .filter(account_id=ticket.account_id, ticket=ticket, state=ChatRequest.ACCEPTED)
        .order_by("-id")
        .first()
    )
    if request is None:
        raise DomainError(_("This chat is not running."))
    return request


def _ensure_agent(account_id: int, user) -> None:
    if not Membership.objects.filter(account_id=account_id, user=user, is_active=True).exists():
        raise DomainError(_("That agent does not work in this account."))


@transaction.atomic
def transfer_chat(*, ticket, to_user=None, to_department=None, actor: Actor = SYSTEM) -> ChatRequest:
    """End the current agent's part and ring the chosen agent, or the department per its strategy.

    Nothing changes when nobody there is online: the error says so and the chat stays with its agent.
    """
    if (to_user is None) == (to_department is None):
        raise DomainError(_("Choose either an agent or a department to transfer the chat to."))
    running = _running(ticket)
    if to_user is not None:
        _ensure_agent(ticket.account_id, to_user)
        if to_user.pk == running.assigned_user_id:
            raise DomainError(_("The chat is already with that agent."))
    if to_department is not None and to_department.account_id != ticket.account_id:
        raise DomainError(_("That department belongs to another account."))
    now = clock.now()
    running.state = ChatRequest.TRANSFERRED
    running.finished_at = now
    running.save(update_fields=["state", "finished_at"])
    if to_department is not None:
        transfer_ticket(ticket=ticket, department=to_department, actor=actor)
    request = ChatRequest.objects.create(
        account_id=ticket.account_id,
        ticket=ticket,
        department=to_department if to_department is not None else running.department,
        contact=running.contact,
        target_user=to_user,
        created_at=now,
    )
    request = ChatRequest.objects.select_for_update().select_related("account").get(pk=request.pk)
    if running.assigned_user_id:  # the agent handing over is not rung for their own chat
        ChatRing.objects.create(
            account_id=ticket.account_id,
            request=request,
            user_id=running.assigned_user_id,
            round=0,
            state=ChatRing.DECLINED,
            rung_at=now,
            answered_at=now,
        )
    request = ring_next(request)
    if request.state == ChatRequest.UNAVAILABLE:
        raise DomainError(_("Nobody there is online for chat; the chat stays with you."))
    if to_user is not None and request.state != ChatRequest.RINGING:
        raise DomainError(_("That agent has no free chat slot; the chat stays with you."))
    audit.record(
        account=request.account,
        actor=actor,
        action="chat.transferred",
        subject=request,
        data={
            "from_request": running.public_id,
            "to_agent": getattr(to_user, "public_id", None),
            "to_department": getattr(to_department, "public_id", None),
        },
    )
    offer_queued(request.account)
    return request


@transaction.atomic
def invite_to_chat(*, ticket, user, actor: Actor = SYSTEM) -> ChatInvitation:
    """Ask a colleague into the running chat; asking again returns the same invitation."""
    running = _running(ticket)
    _ensure_agent(ticket.account_id, user)
    if user.pk == running.assigned_user_id:
        raise DomainError(_("That agent is already in the chat."))
    invitation, created = ChatInvitation.objects.get_or_create(
        request=running,
        user=user,
        defaults={"account_id": ticket.account_id, "invited_by": actor.user, "created_at": clock.now()},
    )
    if created:
        audit.record(
            account=running.account,
            actor=actor,
            action="chat.invited",
            subject=running,
            data={"agent": user.public_id},
        )
        publish_on_commit(
            ev.ChatInvited(
                account_id=ticket.account_id,
                actor_user_id=actor.user_id,
                ticket_id=ticket.pk,
                request_id=running.pk,
                agent_user_id=user.pk,
            )
        )
    return invitation
