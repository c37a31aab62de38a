"""Visitor monitoring on the sockets.

The widget's socket (chat.consumers.VisitorConsumer) hands its monitoring messages to a ``VisitorTracker``:

visitor → server: page {url, title, referrer[, resume: the view, after a reconnect]} · leave {view, seconds}
                  · invitation {rule | invitation, event: shown | accepted | dismissed}
server → visitor: page {view, invitations: [{rule, message, after}], texts} · invitation {rule, invitation}
                  · invite {invitation, message, agent, texts} (an agent's invitation)

The agents' visitors list listens on ``/ws/agent/visitors/`` (``VisitorsListConsumer``): ``{type: "event",
event: visitor.page_viewed | visitor.left | visitor.chat, visit, url, title}`` for every visitor of the account.
"""

from __future__ import annotations

import time

from channels.db import database_sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _

from helpline.channels.chat.appearance import widget_language
from helpline.channels.chat.monitoring import actions, selectors
from helpline.realtime.groups import visitors_of
from helpline.realtime.sockets import HelplineSocket
from helpline.security.client_ip import scope_ip

TOUCH_EVERY = 60  # seconds between keep-alive writes to the visit
MESSAGES_PER_MINUTE = 120  # monitoring messages one socket may send


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def invitation_texts(button) -> dict:
    with translation.override(widget_language(button)):
        return {"accept": _("Chat now"), "dismiss": _("Close the invitation"), "label": _("Invitation to chat")}


class VisitorTracker:
    """The monitoring state of one widget socket: the visit it counts for and a rate limit."""

    KINDS = ("page", "leave", "invitation")

    def __init__(self, button, visitor_id: str, scope):
        self.button = button
        self.visitor_id = visitor_id
        self.ip = scope_ip(scope)
        self.user_agent = _header(scope, b"user-agent")
        self.do_not_track = _header(scope, b"dnt").strip() == "1"
        self.visit_id: int | None = None
        self.last_touch = 0.0
        self.window = (0.0, 0)

    def _allowed(self) -> bool:
        start, count = self.window
        now = time.monotonic()
        if now - start > 60:
            self.window = (now, 1)
            return True
        self.window = (start, count + 1)
        return count < MESSAGES_PER_MINUTE

    async def handle(self, kind: str, content: dict) -> dict | None:
        """Carry out one monitoring message; the reply to send, if any. DomainErrors propagate."""
        if not self._allowed():
            return None
        if kind == "page":
            return await self._page(content)
        if kind == "leave":
            await database_sync_to_async(actions.record_time_on_page)(
                account=self.button.account,
                visitor_id=self.visitor_id,
                view=content.get("view"),
                seconds=content.get("seconds"),
            )
            return None
        return await self._invitation(content)

    async def _page(self, content: dict) -> dict:
        report = actions.clean_page_report(content)
        view = await database_sync_to_async(actions.record_page_view)(
            button=self.button,
            visitor_id=self.visitor_id,
            report=report,
            ip=self.ip,
            user_agent=self.user_agent,
            do_not_track=self.do_not_track,
            connected_visit_id=self.visit_id,
            resume_view=content.get("resume") if isinstance(content.get("resume"), str) else "",
        )
        if view is None:  # the account's privacy settings: nothing stored, nothing offered
            return {"type": "page", "view": None, "invitations": []}
        self.visit_id = view.visit_id
        self.last_touch = time.monotonic()
        invitations = await database_sync_to_async(selectors.invitations_for)(self.button, view.visit, report.url)
        reply = {"type": "page", "view": view.public_id, "invitations": invitations}
        if invitations:
            reply["texts"] = invitation_texts(self.button)
        return reply

    async def _invitation(self, content: dict) -> dict | None:
        rule, event = content.get("rule"), content.get("event")
        if isinstance(rule, str) and event == "shown" and self.visit_id is not None:
            visit = await database_sync_to_async(selectors.get_visit_of_visitor)(
                self.button.account, self.visitor_id, self.visit_id
            )
            invitation = visit and await database_sync_to_async(actions.record_rule_invitation_shown)(
                visit=visit, rule_public_id=rule[:16]
            )
            if invitation is None:
                return None
            return {"type": "invitation", "rule": rule, "invitation": invitation.public_id}
        await database_sync_to_async(actions.answer_invitation)(
            account=self.button.account,
            visitor_id=self.visitor_id,
            invitation=content.get("invitation"),
            event=event,
        )
        return None

    async def ping(self) -> None:
        if self.visit_id is not None and time.monotonic() - self.last_touch > TOUCH_EVERY:
            self.last_touch = time.monotonic()
            await database_sync_to_async(actions.touch_visit)(visit_id=self.visit_id)

    async def close(self) -> None:
        if self.visit_id is not None:
            await database_sync_to_async(actions.disconnect_visit)(visit_id=self.visit_id)
            self.visit_id = None


@database_sync_to_async
def _account_of_agent(user, account_public_id):
    from helpline.tenancy.permissions import WORK_TICKETS
    from helpline.tenancy.selectors import membership_for

    membership = membership_for(user, account_public_id)
    if membership is None or not membership.has_perm(WORK_TICKETS):
        return None
    return membership.account


class VisitorsListConsumer(HelplineSocket):
    """The live visitors list: every page view and departure of the account's visitors."""

    group = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        account = await _account_of_agent(user, (self.scope.get("session") or {}).get("account"))
        if account is None:
            await self.close(code=4403)
            return
        self.group = visitors_of(account.public_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def visitors_event(self, event):
        await self.send_json({"type": "event", **{k: v for k, v in event.items() if k != "type"}})
