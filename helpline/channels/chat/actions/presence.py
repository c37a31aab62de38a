"""Is the visitor still there? A waiting chat whose visitor has had no widget socket for longer than
``VISITOR_GRACE`` stops ringing agents and ends as a missed chat (ticket ``new``, a system message saying why).

Each widget socket that joins a chat counts in ``ChatSession.visitor_sockets``; when the last one closes,
``visitor_gone_at`` is set and the task ``withdraw_if_visitor_gone`` is scheduled ``VISITOR_GRACE`` later. A socket
that comes back (a reload, another tab, a flaky network) clears ``visitor_gone_at``, so the task finds nothing to
do. The task reads the state under the session's row lock: whichever node runs it, and however often, the chat is
withdrawn once. A chat whose visitor never connected a socket after the pre-chat form counts as gone from its
start. The sweep ``sweep_abandoned_chats`` (every minute) does what a lost task would have done."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils.html import escape
from django.utils.translation import gettext as _

from helpline.channels.chat.models import ChatSession, VisitorSockets
from helpline.core import clock

VISITOR_GRACE = timedelta(seconds=60)
SWEEP_BATCH = 200


def schedule_presence_check(session_id: int, delay: float | None = None) -> None:
    """After commit: look again once the grace period is over."""
    from helpline.channels.chat.tasks import withdraw_if_visitor_gone

    seconds = max(1, int((delay if delay is not None else VISITOR_GRACE.total_seconds()) + 0.999))
    transaction.on_commit(lambda: withdraw_if_visitor_gone.schedule(args=(session_id,), delay=seconds), robust=True)


@transaction.atomic
def visitor_connected(*, session: ChatSession, node: str = "") -> None:
    """A widget socket of the visitor joined the chat, held by the web node ``node`` (routing.nodes)."""
    ChatSession.objects.filter(pk=session.pk).update(visitor_sockets=F("visitor_sockets") + 1, visitor_gone_at=None)
    if node:
        held, _created = VisitorSockets.objects.get_or_create(session_id=session.pk, node=node)
        VisitorSockets.objects.filter(pk=held.pk).update(sockets=F("sockets") + 1)


@transaction.atomic
def visitor_disconnected(*, session: ChatSession, node: str = "", whole_node: bool = False, gone_at=None) -> None:
    """A widget socket that had joined the chat closed (``whole_node``: every socket ``node`` held, the node died);
    the last one starts the grace period of a waiting chat (from ``gone_at`` when they were lost before now)."""
    session = ChatSession.objects.select_for_update().filter(pk=session.pk).first()
    if session is None:
        return
    closed = 1
    if node:
        held = VisitorSockets.objects.filter(session_id=session.pk, node=node).first()
        if whole_node:
            closed = held.sockets if held is not None else 0
        if held is not None and held.sockets > closed:
            VisitorSockets.objects.filter(pk=held.pk).update(sockets=F("sockets") - closed)
        elif held is not None:
            held.delete()
    session.visitor_sockets = max(0, session.visitor_sockets - closed)
    fields = ["visitor_sockets"]
    if session.visitor_sockets == 0 and session.state == ChatSession.WAITING and session.visitor_gone_at is None:
        session.visitor_gone_at = min(gone_at or clock.now(), clock.now())
        fields.append("visitor_gone_at")
        schedule_presence_check(session.pk, delay=seconds_until_gone(session))
    session.save(update_fields=fields)


def release_dead_nodes(dead: set[str]) -> int:
    """The visitor sockets counted by the web nodes ``dead`` (they died without closing them) are taken off
    their chats' counts; a waiting chat left with none follows the visitor-left rule from the node's last
    heartbeat. Returns how many chats were touched."""
    from helpline.channels.chat.routing_bridge import last_heartbeat

    released = 0
    for node in set(VisitorSockets.objects.filter(node__in=dead).values_list("node", flat=True)[:SWEEP_BATCH]):
        gone_at = last_heartbeat(node)
        for session_id in VisitorSockets.objects.filter(node=node).values_list("session_id", flat=True):
            visitor_disconnected(session=ChatSession(pk=session_id), node=node, whole_node=True, gone_at=gone_at)
            released += 1
    return released


def seconds_until_gone(session: ChatSession) -> float | None:
    """None when the visitor is there (or the chat no longer waits); else how long the grace period still runs
    (zero or less: it is over)."""
    if session.state != ChatSession.WAITING or session.visitor_sockets > 0 or session.visitor_gone_at is None:
        return None
    return (session.visitor_gone_at + VISITOR_GRACE - clock.now()).total_seconds()


@transaction.atomic
def withdraw_if_visitor_gone(*, session_id: int) -> float | bool:
    """End the waiting chat as missed when its visitor has been gone for the grace period. True when it did;
    False when there is nothing to do; the seconds still to wait when the grace period is not over yet."""
    from helpline.channels.chat.actions.sessions import end_chat
    from helpline.conversations.models import Message
    from helpline.conversations.statuses import Direction, MessageKind

    session = ChatSession.objects.select_for_update().select_related("ticket").filter(pk=session_id).first()
    remaining = seconds_until_gone(session) if session is not None else None
    if remaining is None:
        return False
    if remaining > 0:
        return remaining
    text = _("The visitor left before an agent answered. The chat was withdrawn as missed.")
    Message.objects.create(
        account_id=session.account_id,
        ticket=session.ticket,
        kind=MessageKind.SYSTEM,
        direction=Direction.INTERNAL,
        body_text=text,
        body_html=f"<p>{escape(text)}</p>",
        meta={"chat_session": session.public_id, "reason": "visitor_left"},
    )
    end_chat(session=session, ended_by="system", reason="visitor_left")
    return True


def list_abandoned_chat_ids() -> list[int]:
    """Waiting chats whose visitor has been gone past the grace period (for the sweep)."""
    return list(
        ChatSession.objects.filter(
            state=ChatSession.WAITING, visitor_sockets=0, visitor_gone_at__lte=clock.now() - VISITOR_GRACE
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
