"""The heart of routing: ring the next agent(s) for a request, queue it, or give up. Internal to the actions.

Callers hold the request's row lock inside a transaction. A ring round is ``request.round``; every ring row
and every scheduled timeout carries it, so a timeout of an earlier round finds nothing to do.
"""

from __future__ import annotations

from django.db import transaction

from helpline.core import clock
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.routing import selectors
from helpline.routing.models import ChatRequest, ChatRing
from helpline.routing.settings import account_routing, agent_profiles, chat_limit_of, strategy_for
from helpline.routing.strategies import Candidate, choose

QUEUE_SCAN = 50  # queued requests offered a free slot per pass, oldest first


def _event_ids(request: ChatRequest) -> dict:
    return {"account_id": request.account_id, "ticket_id": request.ticket_id, "request_id": request.pk}


def _free_candidates(request: ChatRequest, routing, online: set[int]) -> tuple[list[Candidate], set[int]]:
    """Agents with a free slot who have not declined, and those of them already rung for this request."""
    rings = list(
        ChatRing.objects.filter(request=request).exclude(state=ChatRing.CANCELLED).values_list("user_id", "state")
    )
    declined = {uid for uid, state in rings if state == ChatRing.DECLINED}
    profiles = agent_profiles(request.account, online)
    running = selectors.running_chats(request.account, online, routing=routing)
    ringing = selectors.ringing_elsewhere(request.account, online, exclude_request=request)
    free = []
    for uid in sorted(online - declined):
        limit = chat_limit_of(profiles[uid], routing)
        if running[uid] + ringing[uid] < limit:
            free.append(Candidate(user_id=uid, load=running[uid], limit=limit, priority=profiles[uid].priority))
    return free, {uid for uid, _state in rings}


def _schedule_timeout(request: ChatRequest, seconds: int) -> None:
    from helpline.routing.tasks import ring_timeout

    args = (request.pk, request.round)
    transaction.on_commit(lambda: ring_timeout.schedule(args=args, delay=seconds), robust=True)


def ring_next(request: ChatRequest, *, may_give_up: bool = True) -> ChatRequest:
    """Ring whoever the strategy picks; else queue the request; with nobody online, mark it unavailable.

    ``may_give_up=False`` (offering the queue a free slot) leaves a request queued when nobody is online.
    """
    account = request.account
    routing = account_routing(account)
    if request.target_user_id and request.round > 0:
        request.target_user = None  # the agent a chat was transferred to let it pass: the department takes over
    pool = selectors.department_pool(account, request.department)
    if request.target_user_id:
        pool &= {request.target_user_id}
    online = pool & selectors.online_user_ids(account)
    if not online:
        if not may_give_up:
            return request
        return _mark(request, ChatRequest.UNAVAILABLE)
    free, tried = _free_candidates(request, routing, online)
    if not free:
        return _queue(request)
    fresh = [c for c in free if c.user_id not in tried] or free  # everyone had a turn: start another lap
    returning = None
    if request.round == 0 and not request.target_user_id:
        returning = selectors.previous_agent_id(account, request.contact, exclude_ticket=request.ticket_id)
    if returning in {c.user_id for c in fresh}:
        to_ring = [returning]
    else:
        to_ring = choose(strategy_for(account, request.department, routing=routing), fresh)
    now = clock.now()
    request.round += 1
    request.state = ChatRequest.RINGING
    request.ringing_since = now
    request.save(update_fields=["round", "state", "ringing_since", "target_user"])
    ChatRing.objects.bulk_create(
        [ChatRing(account=account, request=request, user_id=uid, round=request.round, rung_at=now) for uid in to_ring]
    )
    publish_on_commit(ev.ChatRinging(**_event_ids(request), agent_user_ids=tuple(to_ring)))
    _schedule_timeout(request, routing.ring_seconds)
    return request


def _queue(request: ChatRequest) -> ChatRequest:
    if request.state == ChatRequest.QUEUED:
        return request
    request.state = ChatRequest.QUEUED
    request.ringing_since = None
    request.save(update_fields=["state", "ringing_since", "target_user"])
    position, _wait = selectors.get_queue_position(request)
    publish_on_commit(ev.ChatQueued(**_event_ids(request), position=position))
    return request


def _mark(request: ChatRequest, state: str) -> ChatRequest:
    request.state = state
    request.ringing_since = None
    request.finished_at = clock.now()
    request.save(update_fields=["state", "ringing_since", "finished_at", "target_user"])
    if state == ChatRequest.UNAVAILABLE:
        publish_on_commit(ev.ChatUnavailable(**_event_ids(request)))
    return request


def cancel_rings(request: ChatRequest, *, except_user_id: int | None = None) -> None:
    ChatRing.objects.filter(request=request, state=ChatRing.RINGING).exclude(user_id=except_user_id).update(
        state=ChatRing.CANCELLED, answered_at=clock.now()
    )


def offer_queued(account) -> int:
    """A slot may have freed: offer the oldest queued chats again. Returns how many started ringing."""
    rung = 0
    queued = ChatRequest.objects.select_for_update().filter(account=account, state=ChatRequest.QUEUED)
    for request in queued.order_by("created_at", "id")[:QUEUE_SCAN]:
        request.account = account
        if ring_next(request, may_give_up=False).state == ChatRequest.RINGING:
            rung += 1
    return rung
