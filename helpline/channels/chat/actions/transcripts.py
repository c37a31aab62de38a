"""The chat transcript by email, on the visitor's request: an automatic reply addressed to them, so it goes out
through the email outbound path (stored first, sent by the delivery task, retried with backoff)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpline.channels.chat.appearance import widget_language
from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.protocol import agent_name
from helpline.conversations import actions as conversations
from helpline.conversations.models import Message
from helpline.core.errors import DomainError

TRANSCRIPT = "chat_transcript"
MAX_TRANSCRIPTS = 3


def transcript_text(session: ChatSession) -> str:
    lines = (
        ChatLine.objects.filter(session=session)
        .select_related("message__author_user", "message__author_contact")
        .order_by("seq")
    )
    out = [_("Transcript of your chat (ticket %(code)s)") % {"code": session.ticket.code}, ""]
    for line in lines:
        message = line.message
        who = (
            agent_name(message.author_user)
            if line.side == ChatLine.AGENT
            else (message.author_contact.display_name if message.author_contact_id else _("You"))
        )
        when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        out.append(f"[{when}] {who}: {message.body_text}")
    return "\n".join(out)


@transaction.atomic
def send_transcript(*, session: ChatSession, email: str) -> Message:
    """Queue the transcript to ``email`` (at most three per chat, so the widget cannot be used to spam)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Please enter a valid email address.")) from exc
    session = ChatSession.objects.select_for_update().select_related("ticket", "button", "account").get(pk=session.pk)
    sent = session.ticket.messages.filter(meta__automatic=TRANSCRIPT).count()
    if sent >= MAX_TRANSCRIPTS:
        raise DomainError(_("The transcript has been sent already."), code="limit")
    with translation.override(widget_language(session.button)):
        text = transcript_text(session)
        subject = _("Your chat transcript")
    return conversations.send_reply(
        ticket=session.ticket,
        author=None,
        text=text,
        to=[email],
        automatic=TRANSCRIPT,
        meta={"subject": subject, "chat_session": session.public_id},
    )
