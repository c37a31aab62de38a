"""The chat channel's only door to routing (helpline/routing, built beside this package).

When ``helpline.routing`` is installed, a new chat is handed to ``request_chat`` and accepting goes through
``accept_chat``; the ringing, queueing and slots are routing's business. Without it (an install or a test run
without routing), a chat simply waits in the account's queue and the first agent to accept gets it.
"""

from __future__ import annotations

import importlib
import logging

from django.apps import apps

log = logging.getLogger(__name__)


def _routing():
    """routing.actions, or None when routing is not installed."""
    if not apps.is_installed("helpline.routing"):
        return None
    try:
        return importlib.import_module("helpline.routing.actions")
    except ImportError:  # pragma: no cover - installed but broken
        log.exception("helpline.routing is installed but cannot be imported")
        return None


def routing_available() -> bool:
    return _routing() is not None


def request_chat(*, ticket, department=None, contact=None):
    """Hand a new chat to routing; returns the ChatRequest, or None without routing."""
    routing = _routing()
    if routing is None:
        return None
    return routing.request_chat(ticket=ticket, department=department, contact=contact)


def get_request(session):
    routing = _routing()
    if routing is None or not session.request_id:
        return None
    selectors = importlib.import_module("helpline.routing.selectors")
    return selectors.get_chat_request(session.account, session.request_id)


def accept_chat(*, session, user) -> bool:
    """True when routing let this agent take the chat (raises DomainError when it was taken or withdrawn)."""
    request = get_request(session)
    if request is None:
        return False
    _routing().accept_chat(request=request, user=user)
    return True


def decline_chat(*, session, user) -> None:
    request = get_request(session)
    if request is not None:
        _routing().decline_chat(request=request, user=user)


def withdraw_chat(*, session) -> None:
    request = get_request(session)
    if request is not None:
        _routing().withdraw_chat(request=request)


def finish_chat(*, ticket) -> None:
    routing = _routing()
    if routing is not None:
        routing.finish_chat(ticket=ticket)


def request_state(request) -> str:
    return getattr(request, "state", "") if request is not None else ""


def queue_position(session) -> tuple[int, int] | None:
    request = get_request(session)
    if request is None:
        return None
    selectors = importlib.import_module("helpline.routing.selectors")
    return selectors.get_queue_position(request)


def list_ringing_for(account, user) -> list:
    routing = _routing()
    if routing is None:
        return []
    selectors = importlib.import_module("helpline.routing.selectors")
    return list(selectors.list_ringing_for(account, user))


def anyone_available(button) -> bool:
    """Is an agent of the button's department online for chat? Without routing there is no presence: yes."""
    if _routing() is None:
        return True
    selectors = importlib.import_module("helpline.routing.selectors")
    online = selectors.online_user_ids(button.account)
    return bool(online & selectors.department_pool(button.account, button.department))


def is_banned(account, *, ip: str | None, visitor_id: str | None) -> bool:
    """Bans live in helpline.security (built beside this package); without them nobody is banned."""
    try:
        bans = importlib.import_module("helpline.security.bans")
    except ImportError:
        return False
    return bans.is_banned(account, ip=ip, visitor_id=visitor_id)


def current_node() -> str:
    """The web node (routing.nodes) holding this process's sockets; "" without routing (never swept)."""
    if _routing() is None:
        return ""
    from helpline.routing.nodes import current_node as node

    return node()


def dead_nodes() -> set[str]:
    """The web nodes that stopped beating; none without routing."""
    if _routing() is None:
        return set()
    from helpline.routing.actions.nodes import dead_nodes as dead

    return dead()


def last_heartbeat(node: str):
    if _routing() is None:
        return None
    from helpline.routing.actions.nodes import last_heartbeat as heartbeat

    return heartbeat(node)


def is_offered_to(session, user) -> bool:
    """Is the chat ringing for ``user``, transferred to them or are they invited in? Without routing: no."""
    if _routing() is None:
        return False
    selectors = importlib.import_module("helpline.routing.selectors")
    return selectors.is_offered_to(session.account_id, session.ticket_id, user)
