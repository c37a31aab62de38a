"""A visitor's chat message → the ingest pipeline. Threading is the session itself; the pipeline's dedupe on
(channel, external id) plus the (session, cid) constraint make a resent message a no-op."""

from __future__ import annotations

import json

from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.conversations.statuses import MessageKind
from helpline.ingest.pipeline import InboundMessage, ThreadDecision, ThreadPolicy
from helpline.people.models import ContactIdentity


def external_id(session: ChatSession, side: str, cid: str) -> str:
    return f"chat:{session.public_id}:{side}:{cid}"


class ChatSessionPolicy(ThreadPolicy):
    """Every message of a session goes to the session's ticket and gets the session's next sequence number."""

    def __init__(self, session: ChatSession, cid: str):
        self.session = session
        self.cid = cid

    def decide(self, inbound: InboundMessage, contact) -> ThreadDecision:
        return ThreadDecision(ticket=self.session.ticket, reason="chat_session")

    def stored(self, inbound: InboundMessage, message, decision: ThreadDecision) -> None:
        append_line(self.session, message=message, side=ChatLine.VISITOR, cid=self.cid)


def append_line(session: ChatSession, *, message, side: str, cid: str) -> ChatLine:
    """Number the message: call inside the transaction that stored it. The session row lock orders writers."""
    locked = ChatSession.objects.select_for_update().get(pk=session.pk)
    seq = locked.last_seq + 1
    ChatSession.objects.filter(pk=session.pk).update(last_seq=seq)
    session.last_seq = seq
    return ChatLine.objects.create(
        account_id=session.account_id, session=session, seq=seq, cid=cid, side=side, message=message
    )


def to_inbound(session: ChatSession, *, cid: str, text: str) -> InboundMessage:
    raw = json.dumps({"session": session.public_id, "cid": cid, "text": text}, ensure_ascii=False).encode()
    return InboundMessage(
        account=session.account,
        channel="chat",
        kind=MessageKind.CHAT,
        sender_kind=ContactIdentity.VISITOR,
        sender_value=session.visitor_id,
        raw=raw,
        text=text,
        external_id=external_id(session, ChatLine.VISITOR, cid),
        meta={"cid": cid, "chat_session": session.public_id},
        policy=ChatSessionPolicy(session, cid),
        brand=session.button.brand,
        department=session.button.department,
    )
