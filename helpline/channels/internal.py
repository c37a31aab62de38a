"""Internal tickets: agent to agent (or to a department), no customer. Nothing is ever sent."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from helpline.channels.base import ChannelAdapter, PermanentFailure, SendResult


class InternalAdapter(ChannelAdapter):
    """Replies in an internal ticket stay in the workspace: there is no customer to deliver them to."""

    kind = "internal"
    label = _("Internal")
    message_kind = "web"

    def send(self, message) -> SendResult:
        if (message.meta or {}).get("to") or (message.meta or {}).get("cc") or (message.meta or {}).get("bcc"):
            raise PermanentFailure(_("Internal tickets never send mail."))
        return SendResult()


def register(registry) -> None:
    registry.register(InternalAdapter())
