"""Chat lines: the visitor's through the ingest pipeline, the agent's through send_reply; read receipts.

Both sides send a client id (cid) with every message. A (session, side, cid) that is known already returns the
stored line, so a resend after a reconnect acknowledges the same server id and sequence number again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.channels.chat import inbound
from helpline.channels.chat.files import check_file
from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.protocol import CID, MAX_TEXT
from helpline.conversations import actions as conversations
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, PermissionDenied
from helpline.ingest.pipeline import InboundAttachment, ingest


def _check(session: ChatSession, cid: str, text: str) -> str:
    if not isinstance(cid, str) or not CID.match(cid):
        raise DomainError(_("Every message needs a client id (letters, digits, - and _)."))
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise DomainError(_("The message is empty."))
    if len(text) > MAX_TEXT:
        raise DomainError(_("The message is too long."))
    return text


def _known(session: ChatSession, side: str, cid: str) -> ChatLine | None:
    return ChatLine.objects.select_related("message").filter(session=session, side=side, cid=cid).first()


def post_visitor_message(
    *, session: ChatSession, cid: str, text: str, file: tuple[str, int, bytes] | None = None
) -> ChatLine:
    """Store a visitor's message (raw source first, then the pipeline) and number it. Call outside a transaction.

    ``file`` is (name, size, content): a shared file, checked by its content (files.py); the text is its name."""
    if file is not None:
        name, content_type = check_file(*file)
        text = name
    text = _check(session, cid, text)
    known = _known(session, ChatLine.VISITOR, cid)
    if known is not None:
        return known
    current = ChatSession.objects.filter(pk=session.pk).values_list("state", flat=True).first()
    if current == ChatSession.ENDED:
        raise DomainError(_("The chat has ended."), code="chat_ended")
    message = inbound.to_inbound(session, cid=cid, text=text)
    if file is not None:  # the raw source of a shared file is the file itself
        message.raw = file[2]
        message.attachments = [InboundAttachment(name, content_type, file[2])]
    result = ingest(message)
    if result.message is None:
        raise DomainError(_("The message could not be stored. Please send it again."))
    line = ChatLine.objects.select_related("message").filter(message=result.message).first()
    if line is None:  # pragma: no cover - the pipeline stored it on another thread; the cid finds it
        line = _known(session, ChatLine.VISITOR, cid)
    return line


def can_write(session: ChatSession, user) -> bool:
    return session.agent_id == user.pk or session.ticket.assignee_id == user.pk


@transaction.atomic
def post_agent_message(
    *, session: ChatSession, user, cid: str, text: str, file: tuple[str, int, bytes] | None = None
) -> ChatLine:
    """The agent in the chat answers: a reply (stored before anything is pushed) and the session's next line.

    ``file`` is (name, size, content), checked like the visitor's; the text is its name."""
    attachments = None
    if file is not None:
        name, content_type = check_file(*file)
        text, attachments = name, [(name, file[2], content_type)]
    text = _check(session, cid, text)
    session = ChatSession.objects.select_for_update().select_related("ticket").get(pk=session.pk)
    known = _known(session, ChatLine.AGENT, cid)
    if known is not None:
        return known
    if session.state == ChatSession.ENDED:
        raise DomainError(_("The chat has ended."), code="chat_ended")
    if not can_write(session, user):
        raise PermissionDenied(_("Accept the chat before you write in it."))
    message = conversations.send_reply(
        ticket=session.ticket,
        author=user,
        text=text,
        actor=Actor(user=user),
        external_id=inbound.external_id(session, ChatLine.AGENT, cid),
        meta={"cid": cid, "chat_session": session.public_id},
        attachments=attachments,
    )
    return inbound.append_line(session, message=message, side=ChatLine.AGENT, cid=cid)


def mark_read(*, session: ChatSession, side: str, seq: int) -> int:
    """Record that one side has read up to ``seq``; returns the stored mark (it never moves backwards).

    Not audited: receipts are presence-like signals, not changes to the conversation."""
    if not isinstance(seq, int) or seq < 0:
        raise DomainError(_("A read receipt needs a sequence number."))
    field = "visitor_read_seq" if side == ChatLine.VISITOR else "agent_read_seq"
    with transaction.atomic():
        locked = ChatSession.objects.select_for_update().get(pk=session.pk)
        seq = min(seq, locked.last_seq)
        if seq > getattr(locked, field):
            ChatSession.objects.filter(pk=session.pk).update(**{field: seq})
            return seq
        return getattr(locked, field)
