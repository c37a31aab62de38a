"""Reads for routing and presence, always scoped to one account."""

from __future__ import annotations

import math
from datetime import timedelta

from django.db.models import Count, F, Q

from helpline.core import clock
from helpline.routing.models import ChatRequest, ChatRing, Presence, PresenceChannel, PresenceInterval
from helpline.routing.settings import account_routing
from helpline.tenancy.models import DepartmentMember, Membership

DEFAULT_HANDLE_SECONDS = 180  # the wait estimate before the account has finished any chat
HANDLE_SAMPLE = 50


# Presence ---------------------------------------------------------------------------------------------------


def current_interval(account, user, channel: str = PresenceChannel.CHAT) -> PresenceInterval | None:
    return PresenceInterval.objects.filter(account=account, user=user, channel=channel, ended_at__isnull=True).first()


def get_presence(account, user, channel: str = PresenceChannel.CHAT) -> str:
    interval = current_interval(account, user, channel)
    return interval.state if interval else Presence.OFFLINE


def online_user_ids(account, channel: str = PresenceChannel.CHAT) -> set[int]:
    return set(
        PresenceInterval.objects.filter(
            account=account, channel=channel, state=Presence.ONLINE, ended_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def list_presence_intervals(account, user, *, since=None, channel: str = PresenceChannel.CHAT):
    qs = PresenceInterval.objects.filter(account=account, user=user, channel=channel)
    if since is not None:
        qs = qs.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=since))
    return list(qs.order_by("started_at", "id"))


# Who may take a chat --------------------------------------------------------------------------------------------


def department_pool(account, department=None) -> set[int]:
    """Active agents of the department, or of the account when the chat has no department."""
    active = Membership.objects.filter(account=account, is_active=True).values_list("user_id", flat=True)
    if department is None:
        return set(active)
    members = DepartmentMember.objects.filter(account=account, department=department).values_list("user_id", flat=True)
    return set(members) & set(active)


def idle_cutoff(routing):
    if not routing.idle_release_minutes:
        return None
    return clock.now() - timedelta(minutes=routing.idle_release_minutes)


def running_chats(account, user_ids, *, routing=None) -> dict[int, int]:
    """Accepted, unfinished chats per agent. A chat nobody wrote in for the idle time frees its slot."""
    routing = routing or account_routing(account)
    qs = ChatRequest.objects.filter(account=account, state=ChatRequest.ACCEPTED, assigned_user_id__in=list(user_ids))
    cutoff = idle_cutoff(routing)
    if cutoff is not None:
        qs = qs.filter(ticket__last_activity_at__gt=cutoff)
    counts = dict(qs.values("assigned_user_id").annotate(n=Count("id")).values_list("assigned_user_id", "n"))
    return {uid: counts.get(uid, 0) for uid in user_ids}


def ringing_elsewhere(account, user_ids, *, exclude_request=None) -> dict[int, int]:
    """Rings an agent has open for other requests: each holds a slot until answered or timed out."""
    qs = ChatRing.objects.filter(
        account=account,
        user_id__in=list(user_ids),
        state=ChatRing.RINGING,
        request__state=ChatRequest.RINGING,
        round=F("request__round"),
    )
    if exclude_request is not None:
        qs = qs.exclude(request=exclude_request)
    counts = dict(qs.values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    return {uid: counts.get(uid, 0) for uid in user_ids}


def previous_agent_id(account, contact, *, exclude_ticket=None) -> int | None:
    """The agent who last took a chat from this contact."""
    if contact is None:
        return None
    qs = ChatRequest.objects.filter(account=account, contact=contact, accepted_at__isnull=False)
    if exclude_ticket is not None:
        qs = qs.exclude(ticket=exclude_ticket)
    return qs.order_by("-accepted_at", "-id").values_list("assigned_user_id", flat=True).first()


# Requests ------------------------------------------------------------------------------------------------------


def get_chat_request(account, public_id: str) -> ChatRequest | None:
    return ChatRequest.objects.filter(account=account, public_id=public_id).select_related("ticket").first()


def open_request_for(ticket) -> ChatRequest | None:
    return (
        ChatRequest.objects.filter(account_id=ticket.account_id, ticket=ticket, state__in=ChatRequest.OPEN_STATES)
        .order_by("-id")
        .first()
    )


def running_request_for(ticket) -> ChatRequest | None:
    return (
        ChatRequest.objects.filter(account_id=ticket.account_id, ticket=ticket, state=ChatRequest.ACCEPTED)
        .order_by("-id")
        .first()
    )


def list_ringing_for(account, user) -> list[ChatRequest]:
    """Chats ringing at this agent right now, oldest first."""
    return list(
        ChatRequest.objects.filter(
            account=account,
            state=ChatRequest.RINGING,
            rings__user=user,
            rings__state=ChatRing.RINGING,
            rings__round=F("round"),
        )
        .select_related("ticket", "contact")
        .order_by("created_at", "id")
    )


def is_offered_to(account, ticket_id: int, user) -> bool:
    """Is this chat ticket ringing for ``user``, transferred to them (still open), or are they invited into it?
    Such an agent may open the chat even outside the departments they see (conversations.visibility)."""
    from django.db.models import Q

    return ChatRequest.objects.filter(
        Q(state=ChatRequest.RINGING, rings__user=user, rings__state=ChatRing.RINGING, rings__round=F("round"))
        | Q(state__in=ChatRequest.OPEN_STATES, target_user=user)
        | Q(state=ChatRequest.ACCEPTED, invitations__user=user),
        account=account,
        ticket_id=ticket_id,
    ).exists()


def list_queued(account, *, limit: int = 100) -> list[ChatRequest]:
    return list(
        ChatRequest.objects.filter(account=account, state=ChatRequest.QUEUED)
        .select_related("ticket", "department", "contact", "target_user")
        .order_by("created_at", "id")[:limit]
    )


def average_handle_seconds(account) -> int:
    """Average length of the account's last finished chats (accept to finish)."""
    rows = (
        ChatRequest.objects.filter(account=account, accepted_at__isnull=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("accepted_at", "finished_at")[:HANDLE_SAMPLE]
    )
    durations = [(finished - accepted).total_seconds() for accepted, finished in rows]
    return round(sum(durations) / len(durations)) if durations else DEFAULT_HANDLE_SECONDS


def get_queue_position(request: ChatRequest) -> tuple[int, int]:
    """(position, estimated wait in seconds) of a queued request; (0, 0) when it is not waiting.

    The estimate: the chats ahead (and this one) spread over the online agents' slots, each taking the
    account's average handling time.
    """
    if request.state != ChatRequest.QUEUED:
        return 0, 0
    ahead = ChatRequest.objects.filter(account_id=request.account_id, state=ChatRequest.QUEUED).filter(
        Q(created_at__lt=request.created_at) | Q(created_at=request.created_at, id__lt=request.id)
    )
    position = ahead.count() + 1
    account = request.account
    routing = account_routing(account)
    online = online_user_ids(account) & department_pool(account, request.department)
    slots = max(1, len(online) * max(1, routing.chat_limit))
    return position, math.ceil(position / slots) * average_handle_seconds(account)


def list_agent_routing(account) -> list[dict]:
    """Every active agent with their routing profile and chat presence, for the settings screen (3 queries)."""
    from helpline.routing.models import AgentRouting
    from helpline.tenancy.selectors import list_agents

    agents = list_agents(account)
    profiles = {p.user_id: p for p in AgentRouting.objects.filter(account=account)}
    online = dict(
        PresenceInterval.objects.filter(
            account=account, channel=PresenceChannel.CHAT, ended_at__isnull=True
        ).values_list("user_id", "state")
    )
    return [
        {
            "user": agent,
            "profile": profiles.get(agent.pk) or AgentRouting(account=account, user=agent),
            "presence": online.get(agent.pk, Presence.OFFLINE),
        }
        for agent in agents
    ]
