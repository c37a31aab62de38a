"""The chat channel adapter. A reply in a live chat is already delivered when it is stored: the visitor's socket
gets it from the conversation group, or replays it on reconnect. A reply to a chat ticket whose chat is over
(or to an offline-form ticket) goes out by email, when the contact has an address."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from helpline.channels.base import ChannelAdapter, PermanentFailure, SendResult


class ChatAdapter(ChannelAdapter):
    kind = "chat"
    label = _("Live chat")
    message_kind = "chat"

    def send(self, message) -> SendResult:
        from helpline.channels.chat.models import ChatSession
        from helpline.channels.registry import registry

        meta = message.meta or {}
        addressed = any(meta.get(key) for key in ("to", "cc", "bcc"))
        chat_line = bool(meta.get("chat_session")) and not meta.get("automatic")
        if not addressed:
            live = ChatSession.objects.filter(ticket_id=message.ticket_id).exclude(state=ChatSession.ENDED).exists()
            if live or chat_line:
                return SendResult()
        email = registry.get("email")
        if email.kind != "email" or not (addressed or message.ticket.contact.primary_email):
            raise PermanentFailure(_("The chat has ended and the visitor left no email address."))
        return email.send(message)


def register(registry) -> None:
    registry.register(ChatAdapter())
