"""A ring nobody answered in time: each rung agent missed the chat; it moves on to the next agent(s)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from helpline.core import clock
from helpline.core.actors import SYSTEM
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.routing.actions.presence import set_presence
from helpline.routing.actions.ringing import ring_next
from helpline.routing.models import AgentRouting, ChatRequest, ChatRing, Presence, PresenceInterval
from helpline.routing.settings import account_routing
from helpline.security import audit

STALE, NOT_DUE, MOVED_ON = "stale", "not due", "moved on"


def seconds_until_due(request: ChatRequest, routing) -> float:
    due = request.ringing_since + timedelta(seconds=routing.ring_seconds)
    return (due - clock.now()).total_seconds()


def _count_missed(account, user_id: int) -> int:
    profile, _created = AgentRouting.objects.get_or_create(account=account, user_id=user_id)
    AgentRouting.objects.filter(pk=profile.pk).update(
        missed_in_row=F("missed_in_row") + 1, missed_total=F("missed_total") + 1
    )
    return profile.missed_in_row + 1


@transaction.atomic
def expire_ring(*, request_id: int, round: int) -> str:
    """Idempotent: only the current round of a ringing request, once its ring time is over, moves on."""
    request = ChatRequest.objects.select_for_update().select_related("account").filter(pk=request_id).first()
    if request is None or request.state != ChatRequest.RINGING or request.round != round:
        return STALE
    routing = account_routing(request.account)
    if seconds_until_due(request, routing) > 0:
        return NOT_DUE
    now = clock.now()
    missed = list(
        ChatRing.objects.filter(request=request, round=round, state=ChatRing.RINGING).values_list("user_id", flat=True)
    )
    ChatRing.objects.filter(request=request, round=round, state=ChatRing.RINGING).update(
        state=ChatRing.MISSED, answered_at=now
    )
    for user_id in missed:
        in_row = _count_missed(request.account, user_id)
        audit.record(
            account=request.account, actor=SYSTEM, action="chat.missed", subject=request, data={"agent": user_id}
        )
        publish_on_commit(
            ev.ChatMissed(
                account_id=request.account_id, ticket_id=request.ticket_id, request_id=request.pk, agent_user_id=user_id
            )
        )
        if routing.auto_pause_after and in_row >= routing.auto_pause_after:
            _pause(request.account, user_id)
    ring_next(request)
    return MOVED_ON


def _pause(account, user_id: int) -> None:
    from helpline.tenancy.models import User

    user = User.objects.get(pk=user_id)
    set_presence(account=account, user=user, channel="chat", state=Presence.AWAY, reason=PresenceInterval.MISSED_CHATS)
