"""Withdrawing waiting chats whose visitor left (actions.presence): a delayed task per departure, and a sweep
every minute as the safety net for a task that was lost."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from helpline.channels.chat.actions import presence

log = logging.getLogger(__name__)


@db_task()
def withdraw_if_visitor_gone(session_id: int) -> str:
    result = presence.withdraw_if_visitor_gone(session_id=session_id)
    if result is True:
        return "withdrawn"
    if result is False:
        return "nothing to do"
    # This node's clock ran behind the one that saw the visitor leave: look again when the grace period is over.
    withdraw_if_visitor_gone.schedule(args=(session_id,), delay=max(1, int(result) + 1))
    return "not due"


@db_periodic_task(crontab(minute="*"))
def sweep_abandoned_chats() -> int:
    withdrawn = sum(1 for pk in presence.list_abandoned_chat_ids() if presence.withdraw_if_visitor_gone(session_id=pk))
    if withdrawn:
        log.info("live chat: %s waiting chats withdrawn, their visitors had left", withdrawn)
    return withdrawn


def _reindex_pending_key(ticket_id: int) -> str:
    return f"chat:reindex-pending:{ticket_id}"


@db_task()
def reindex_chat_tickets(ticket_ids: list[int]) -> None:
    """The search documents of chats' tickets, once for the lines of the last few seconds (chat.subscribers)."""
    from django.core.cache import cache

    from helpline.search.subscribers import reindex_tickets

    cache.delete_many([_reindex_pending_key(pk) for pk in ticket_ids])  # a line stored from now on: the next run
    reindex_tickets(ticket_ids)


reindex_chat_tickets.pending_key = _reindex_pending_key


@db_periodic_task(crontab(minute="*"))
def release_dead_node_visitors() -> int:
    """Visitor sockets counted by web nodes that stopped beating (routing.nodes, actions.presence)."""
    from helpline.channels.chat.routing_bridge import dead_nodes

    released = presence.release_dead_nodes(dead_nodes())
    if released:
        log.warning("live chat: visitor sockets of dead web nodes released in %s chats", released)
    return released
