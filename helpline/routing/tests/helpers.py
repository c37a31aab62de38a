"""Small helpers the routing tests share."""

from __future__ import annotations

from helpline.routing.actions import accept_chat, request_chat, update_routing_settings
from helpline.routing.models import ChatRing


def rung(request) -> list[str]:
    """Names of the agents ringing for the request's current round, in ring order."""
    rings = ChatRing.objects.filter(request=request, round=request.round, state=ChatRing.RINGING)
    return [ring.user.name for ring in rings.select_related("user").order_by("id")]


def configure(account, **changes):
    values = {
        "strategy": "ring_all",
        "ring_seconds": 30,
        "chat_limit": 3,
        "auto_pause_after": 0,
        "idle_release_minutes": 10,
    }
    values.update(changes)
    return update_routing_settings(account=account, **values)


def give_chats(account, chat_ticket, user, n: int = 1):
    """``n`` running chats for this agent: each rings the agent alone and is accepted."""
    from helpline.routing.actions import set_agent_routing
    from helpline.routing.models import AccountRouting, AgentRouting

    previous = AccountRouting.objects.get(account=account).strategy
    AccountRouting.objects.filter(account=account).update(strategy="priorities")
    profile = AgentRouting.objects.filter(account=account, user=user).first()
    priority, limit = (profile.priority, profile.chat_limit) if profile else (50, None)
    set_agent_routing(account=account, user=user, priority=1, chat_limit=limit)
    requests = []
    for _ in range(n):
        request = request_chat(ticket=chat_ticket(account))
        assert user.name in rung(request), rung(request)
        requests.append(accept_chat(request=request, user=user))
    set_agent_routing(account=account, user=user, priority=priority, chat_limit=limit)
    AccountRouting.objects.filter(account=account).update(strategy=previous)
    return requests
