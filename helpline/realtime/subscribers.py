"""Push ticket events to every open agent browser of the account. Each carries the ticket's department and assignee
(internal ids, never passed to a browser) so an agent's socket keeps only what the agent may see (ticket_scope)."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.events.bus import coalesce_by
from helpline.events.types import DepartmentChanged, MembershipChanged, TicketEvent
from helpline.realtime.groups import agents_of

log = logging.getLogger(__name__)


def _refresh_key(event: TicketEvent) -> tuple[int, str]:
    """Browsers re-fetch a ticket whatever changed: one push per ticket per commit (chat events stay apart)."""
    return event.ticket_id, event.name if event.name.startswith("chat.") else "ticket"


# Inside one_push_per_batch(): {account id: {ticket ids}} gathered instead of pushed one by one.
_batch: ContextVar[dict | None] = ContextVar("helpline_push_batch", default=None)


@contextmanager
def one_push_per_batch():
    """Ticket pushes inside the block (after-commit hooks included) become one ``tickets.changed`` message per
    account when it ends: a bulk job's chunk of a hundred tickets refreshes agents' browsers once."""
    token = _batch.set({})
    try:
        yield
    finally:
        gathered = _batch.get()
        _batch.reset(token)
        for account_id, ticket_ids in (gathered or {}).items():
            _push_many(account_id, ticket_ids)


def _push_many(account_id: int, ticket_ids: set[int]) -> None:
    from helpline.conversations.models import Ticket
    from helpline.tenancy.models import Account

    account = Account.objects.filter(pk=account_id).values_list("public_id", flat=True).first()
    rows = Ticket.objects.filter(account_id=account_id, pk__in=ticket_ids).values_list(
        "public_id", "department_id", "assignee_id"
    )
    scopes = {public_id: [department_id, assignee_id] for public_id, department_id, assignee_id in rows}
    if account is None or not scopes:
        return
    payload = {"type": "helpline.event", "event": "tickets.changed", "tickets": sorted(scopes), "scopes": scopes}
    async_to_sync(get_channel_layer().group_send)(agents_of(account), payload)


@coalesce_by(_refresh_key)
def push_to_agents(event: TicketEvent) -> None:
    from helpline.conversations.models import Ticket

    batch = _batch.get()
    if batch is not None and not event.name.startswith("chat."):
        batch.setdefault(event.account_id, set()).add(event.ticket_id)
        return
    row = (
        Ticket.objects.filter(pk=event.ticket_id)
        .values("public_id", "status", "account__public_id", "department_id", "assignee_id")
        .first()
    )
    if row is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "ticket": row["public_id"],
        "status": row["status"],
        "scope": [row["department_id"], row["assignee_id"]],
    }
    async_to_sync(get_channel_layer().group_send)(agents_of(row["account__public_id"]), payload)


# Live chat routing: a ring reaches only the agents rung. One group message per event; each agent socket
# keeps what is addressed to its own user (see AgentConsumer.helpline_event), so fan-out stays per process.
RING_EVENTS_FOR_RUNG_AGENTS = {"chat.ringing", "chat.missed", "chat.invited"}


def push_chat_to_agents(event) -> None:
    from helpline.routing.models import ChatRequest
    from helpline.tenancy.models import User

    row = (
        ChatRequest.objects.filter(pk=event.request_id)
        .values(
            "public_id",
            "ticket__public_id",
            "ticket__status",
            "account__public_id",
            "ticket__department_id",
            "ticket__assignee_id",
        )
        .first()
    )
    if row is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "ticket": row["ticket__public_id"],
        "status": row["ticket__status"],
        "request": row["public_id"],
        "scope": [row["ticket__department_id"], row["ticket__assignee_id"]],
    }
    agent_ids = tuple(getattr(event, "agent_user_ids", ())) or (
        (event.agent_user_id,) if getattr(event, "agent_user_id", None) else ()
    )
    agents = dict(User.objects.filter(pk__in=agent_ids).values_list("pk", "public_id")) if agent_ids else {}
    if event.name == "chat.accepted":
        payload["agent"] = agents.get(event.agent_user_id)
    if event.name in RING_EVENTS_FOR_RUNG_AGENTS:
        payload["recipients"] = [agents[pk] for pk in agent_ids if pk in agents]
    async_to_sync(get_channel_layer().group_send)(agents_of(row["account__public_id"]), payload)


def push_presence_to_agents(event) -> None:
    from helpline.tenancy.models import Account, User

    account = Account.objects.filter(pk=event.account_id).values_list("public_id", flat=True).first()
    agent = User.objects.filter(pk=event.user_id).values_list("public_id", flat=True).first()
    if account is None or agent is None:
        return
    payload = {
        "type": "helpline.event",
        "event": event.name,
        "agent": agent,
        "channel": event.channel,
        "state": event.to_state,
    }
    async_to_sync(get_channel_layer().group_send)(agents_of(account), payload)


def refresh_ticket_scopes(event: DepartmentChanged | MembershipChanged) -> None:
    """A department's members, or an agent's role, changed: the account's agent sockets load again what their agent
    may see (ticket_scope); every socket for a department, the agent's own sockets for a membership."""
    from helpline.tenancy.models import Account

    if isinstance(event, DepartmentChanged) and event.change != "members":
        return  # hours or response times: nobody sees other tickets
    account = Account.objects.filter(pk=event.account_id).values_list("public_id", flat=True).first()
    if account is None:
        return
    payload = {"type": "helpline.scope_changed"}
    if isinstance(event, MembershipChanged):
        payload["users"] = [event.user_id]
    async_to_sync(get_channel_layer().group_send)(agents_of(account), payload)
