"""Ring timeouts as delayed Huey tasks, and a sweeper every minute as the safety net.

``ring_timeout`` is scheduled for each ring round with the account's ring time as its delay. It is
idempotent: a round that is no longer current (accepted, declined, withdrawn, moved on) is left alone.
The sweeper catches what a lost task would have done: overdue rings and queued chats a freed slot
(for example a chat gone idle) could now take.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from helpline.core import clock
from helpline.routing.actions.ringing import offer_queued
from helpline.routing.actions.timeouts import NOT_DUE, expire_ring, seconds_until_due
from helpline.routing.models import ChatRequest
from helpline.routing.settings import account_routing
from helpline.tenancy.models import Account

log = logging.getLogger(__name__)
MIN_RING_SECONDS = 5
SWEEP_BATCH = 500


@db_task()
def ring_timeout(request_id: int, round: int) -> str:
    result = expire_ring(request_id=request_id, round=round)
    if result == NOT_DUE:  # this node's clock ran ahead of the one that rang: try again when due
        request = ChatRequest.objects.select_related("account").get(pk=request_id)
        delay = max(1, int(seconds_until_due(request, account_routing(request.account))) + 1)
        ring_timeout.schedule(args=(request_id, round), delay=delay)
    return result


def sweep() -> dict[str, int]:
    """Expire overdue rings and offer the queues free slots. Returns what it did."""
    overdue = ChatRequest.objects.filter(
        state=ChatRequest.RINGING, ringing_since__lte=clock.now() - timedelta(seconds=MIN_RING_SECONDS)
    ).values_list("pk", "round")[:SWEEP_BATCH]
    expired = sum(1 for pk, round_ in overdue if expire_ring(request_id=pk, round=round_) not in (NOT_DUE, "stale"))
    offered = 0
    account_ids = set(ChatRequest.objects.filter(state=ChatRequest.QUEUED).values_list("account_id", flat=True))
    for account in Account.objects.filter(pk__in=account_ids):
        with transaction.atomic():
            offered += offer_queued(account)
    if expired or offered:
        log.info("chat routing sweep: %s rings expired, %s queued chats offered", expired, offered)
    return {"expired": expired, "offered": offered}


@db_periodic_task(crontab(minute="*"))
def sweep_chat_routing() -> dict[str, int]:
    return sweep()


@db_periodic_task(crontab(minute="*"))
def sweep_dead_nodes() -> int:
    """Agent sockets held by web nodes that stopped beating (routing.nodes)."""
    from helpline.routing.actions.nodes import sweep_dead_agent_connections

    cleared = sweep_dead_agent_connections()
    if cleared:
        log.warning("%s agent sockets of dead web nodes cleared", cleared)
    return cleared
