"""Every write of live-chat routing and presence goes through these functions."""

from helpline.routing.actions.presence import agent_connected, agent_disconnected, mark_active, mark_idle, set_presence
from helpline.routing.actions.requests import accept_chat, decline_chat, finish_chat, request_chat, withdraw_chat
from helpline.routing.actions.settings import set_agent_routing, set_department_strategy, update_routing_settings
from helpline.routing.actions.timeouts import expire_ring
from helpline.routing.actions.transfers import invite_to_chat, transfer_chat

__all__ = [
    "accept_chat",
    "agent_connected",
    "agent_disconnected",
    "decline_chat",
    "expire_ring",
    "finish_chat",
    "invite_to_chat",
    "mark_active",
    "mark_idle",
    "request_chat",
    "set_agent_routing",
    "set_department_strategy",
    "set_presence",
    "transfer_chat",
    "update_routing_settings",
    "withdraw_chat",
]
