"""Chat lines: the visitor's stored in groups (one transaction for the lines that arrive together), the agent's
through send_reply; read receipts.

Both sides send a client id (cid) with every message. A (session, side, cid) that is known already returns the
stored line, so a resend after a reconnect acknowledges the same server id and sequence number again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.channels.chat import inbound
from helpline.channels.chat.files import check_file
from helpline.channels.chat.models import ChatLine, ChatSession
from helpline.channels.chat.protocol import CID, MAX_TEXT, remember_payload
from helpline.conversations import actions as conversations
from helpline.conversations.selectors import follow_merges
from helpline.conversations.statuses import MessageKind
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, PermissionDenied
from helpline.events.decisions import once_per_batch
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import write_raw
from helpline.realtime.subscribers import one_push_per_batch


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


@dataclass
class VisitorLine:
    """One visitor message waiting to be stored: ``file`` is (name, size, content), its text the file's name."""

    session: ChatSession
    cid: str
    text: str
    file: tuple[str, int, bytes] | None = None


def post_visitor_message(
    *, session: ChatSession, cid: str, text: str, file: tuple[str, int, bytes] | None = None
) -> ChatLine:
    """Store one visitor message and number it (``post_visitor_messages`` with one line); raises its error."""
    result = post_visitor_messages([VisitorLine(session, cid, text, file)])[0]
    if isinstance(result, DomainError):
        raise result
    return result


def post_visitor_messages(lines: list[VisitorLine]) -> list[ChatLine | DomainError]:
    """Store visitor messages (of one or many chats) in ONE transaction and number them: the group commit of the
    chat sockets (chat.writer). Returns, for each line in order, the stored line or why it was refused.

    What the ingest pipeline works out for an email is known for a chat line (the session is the thread, its
    contact the sender, the (session, side, cid) pair the dedupe key), so the lines share their lookups: one row
    lock per session (it orders the sequence numbers, and a resent cid is looked up again under it), one query
    for the cids already stored, one insert for the lines and one for the raw-source records (each raw source
    still written to disk first, ``ingest.raw``). Each message goes through ``conversations.receive_message``
    (ticket lock, message, audit row, ``message.received`` after the commit). A resent cid returns the line stored
    before: the same server id and sequence number."""
    results: list[ChatLine | DomainError | None] = [None] * len(lines)
    todo: list[tuple[int, VisitorLine, str, str]] = []  # (index, line, text, content type of its file)
    for index, item in enumerate(lines):
        try:
            content_type = ""
            text = item.text
            if item.file is not None:
                text, content_type = check_file(*item.file)
            todo.append((index, item, _check(item.session, item.cid, text), content_type))
        except DomainError as exc:
            results[index] = exc
    if todo:
        # The group's subscribers share their lookups, push its lines in one go and refresh agents' lists once.
        with one_push_per_batch(), once_per_batch(), transaction.atomic():
            _store_visitor_lines(todo, results)
    return results


def _write_raw(todo, sessions, session, item) -> tuple[str, int, str]:
    """The raw source, on disk (fsynced) before the message is stored: a shared file is its own; the text lines of
    one account in a group share one file (a JSON line each), so a group costs one fsync, not one a line."""
    if item.file is not None:
        key, digest = write_raw(session.account_id, "chat", item.file[2])
        return key, len(item.file[2]), digest
    raw = b"".join(
        inbound.raw_source(sessions[other.session.pk], cid=other.cid, text=text) + b"\n"
        for _i, other, text, _c in todo
        if other.file is None and other.session.pk in sessions
        and sessions[other.session.pk].account_id == session.account_id
    )  # fmt: skip
    key, digest = write_raw(session.account_id, "chat", raw)
    return key, len(raw), digest


def _store_visitor_lines(todo, results) -> None:
    session_ids = sorted({item.session.pk for _i, item, _t, _c in todo})
    sessions = {
        session.pk: session
        for session in ChatSession.objects.select_for_update(of=("self",))
        .select_related("ticket__account", "contact")
        .filter(pk__in=session_ids)
        .order_by("pk")
    }
    known = {
        (line.session_id, line.cid): line
        for line in ChatLine.objects.select_related("message").filter(
            session_id__in=session_ids, side=ChatLine.VISITOR, cid__in={item.cid for _i, item, _t, _c in todo}
        )
    }
    raw_files: dict[int, tuple[str, int, str]] = {}  # account id → the group's file of text lines
    accepted, repeats = {}, []  # (session, cid) → (index, item, text, content type, session, raw); resent in the group
    for index, item, text, content_type in todo:
        key = (item.session.pk, item.cid)
        if key in known:  # stored before (a resend)
            results[index] = known[key]
            continue
        if key in accepted:  # sent twice in this group: both get the one line
            repeats.append((index, key))
            continue
        session = sessions.get(item.session.pk)
        if session is None or session.state == ChatSession.ENDED:
            results[index] = DomainError(_("The chat has ended."), code="chat_ended")
            continue
        try:
            conversations.check_incoming(MessageKind.CHAT, text, "")
        except DomainError as exc:
            results[index] = exc
            continue
        raw = None if item.file is not None else raw_files.get(session.account_id)
        raw = raw or _write_raw(todo, sessions, session, item)
        if item.file is None:
            raw_files[session.account_id] = raw
        accepted[key] = (index, item, text, content_type, session, raw)
    messages = conversations.receive_messages(
        [
            conversations.IncomingMessage(
                ticket=follow_merges(session.ticket),
                contact=session.contact,
                kind=MessageKind.CHAT,
                text=text,
                external_id=inbound.external_id(session, ChatLine.VISITOR, item.cid),
                meta={"cid": item.cid, "chat_session": session.public_id, "thread_reason": "chat_session"},
            )
            for _index, item, text, _content_type, session, _raw in accepted.values()
        ]
    )
    new_lines, records, numbered = [], [], set()
    for (key, (index, item, text, content_type, session, raw)), message in zip(accepted.items(), messages, strict=True):
        files = []
        if item.file is not None:
            files.append(
                conversations.store_attachment(
                    message=message, name=text, content=item.file[2], content_type=content_type
                )
            )
        session.last_seq += 1
        numbered.add(session.pk)
        line = ChatLine(
            account_id=session.account_id,
            session=session,
            seq=session.last_seq,
            cid=item.cid,
            side=ChatLine.VISITOR,
            message=message,
        )
        new_lines.append((line, files))
        known[key] = results[index] = line
        raw_key, raw_size, digest = raw
        records.append(
            InboundRecord(
                account_id=session.account_id,
                channel="chat",
                external_id=message.external_id,
                raw_key=raw_key,
                raw_size=raw_size,
                raw_sha256=digest,
                state=InboundRecord.PROCESSED,
                message=message,
                thread_reason="chat_session",
            )
        )
    for index, key in repeats:
        results[index] = known[key]
    for pk in sorted(numbered):
        ChatSession.objects.filter(pk=pk).update(last_seq=sessions[pk].last_seq)
    ChatLine.objects.bulk_create([line for line, _files in new_lines])
    InboundRecord.objects.bulk_create(records)
    for line, files in new_lines:
        remember_payload(line, files)


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
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("ticket__account").get(pk=session.pk)
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
    session.last_seq += 1  # the session's row lock (above) orders the numbers
    ChatSession.objects.filter(pk=session.pk).update(last_seq=session.last_seq)
    line = ChatLine.objects.create(
        account_id=session.account_id, session=session, seq=session.last_seq, cid=cid, side=ChatLine.AGENT,
        message=message,
    )  # fmt: skip
    if attachments is None:  # a file's line is read back with its attachment when pushed
        remember_payload(line, [])
    return line


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
