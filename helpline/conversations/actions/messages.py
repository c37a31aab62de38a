"""Message-level writes: an inbound message, an agent reply (queued, sent by a task), a note, delivery."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions.attachments import link_inline_images, store_attachment
from helpline.conversations.actions.tickets import created_entry, insert_ticket, new_ticket, publish_created
from helpline.conversations.html import body_from
from helpline.conversations.locks import lock_ticket, lock_tickets
from helpline.conversations.models import Message, Ticket, TicketTag
from helpline.conversations.statuses import (
    REOPENED_BY_CUSTOMER,
    WAITING_STATUSES,
    Delivery,
    Direction,
    MessageKind,
    Status,
)
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.core.rows import insert_row
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.replacements.rewrite import rewrite_message
from helpline.security import audit
from helpline.tosolve.answering import ensure_may_answer
from helpline.tosolve.deadlines import default_due_at

MAX_BODY = 1_000_000


def _check_body(text: str, html_body: str) -> None:
    if not (text or "").strip() and not (html_body or "").strip():
        raise DomainError(_("The message is empty."))
    if len(text or "") > MAX_BODY or len(html_body or "") > MAX_BODY:
        raise DomainError(_("The message is too long."))


def _activity(ticket: Ticket, *, status: str | None = None, first_response: bool = False, **fields) -> dict:
    """The ticket columns one more message changes (``fields``: further columns to set with them), set on
    ``ticket`` as well; the caller holds it locked (``lock_ticket``), so its counters are current."""
    now = clock.now()
    updates = {"last_activity_at": now, "message_count": ticket.message_count + 1, "updated_at": now, **fields}
    if status:
        updates["status"] = status
        updates["resolved_at"] = None
        if status != ticket.status:
            updates["status_changed_at"] = now
    if first_response:
        updates["first_response_at"] = now
    for field, value in updates.items():
        setattr(ticket, field, value)
    return updates


def _write_activity(changes: dict[int, dict]) -> None:
    """Store ``_activity`` results (ticket id → columns): one update per ticket (in CPU, Django's ``bulk_update``
    costs twice as much for ten tickets), one for all their tag rows."""
    for ticket_id, updates in changes.items():
        Ticket.objects.filter(pk=ticket_id).update(**updates)
    if changes:
        latest = max(updates["last_activity_at"] for updates in changes.values())
        TicketTag.objects.filter(ticket_id__in=list(changes)).update(last_activity_at=latest)


def _touch(ticket: Ticket, *, status: str | None = None, first_response: bool = False, **fields) -> None:
    """One more message on a ticket the caller holds locked."""
    _write_activity({ticket.pk: _activity(ticket, status=status, first_response=first_response, **fields)})


def _new_message(ticket: Ticket, **fields) -> Message:
    return Message.objects.create(account_id=ticket.account_id, ticket=ticket, **fields)


@dataclass(frozen=True)
class IncomingMessage:
    """A customer's message for ``receive_messages``."""

    ticket: Ticket
    contact: object
    kind: str
    text: str = ""
    html_body: str = ""
    external_id: str = ""
    meta: dict | None = None


def check_incoming(kind: str, text: str, html_body: str) -> None:
    """Raise the DomainError ``receive_message`` would for this message (a batch checks each before storing)."""
    _check_body(text, html_body)
    if kind not in MessageKind.values or kind in (MessageKind.NOTE, MessageKind.SYSTEM):
        raise DomainError(_("Unknown message kind."))


def receive_message(
    *,
    ticket: Ticket,
    contact,
    kind: str,
    text: str = "",
    html_body: str = "",
    external_id: str = "",
    meta: dict | None = None,
    actor: Actor = SYSTEM,
) -> Message:
    """A customer's message arrives on a ticket: the end of the ingest pipeline."""
    incoming = IncomingMessage(
        ticket=ticket, contact=contact, kind=kind, text=text, html_body=html_body, external_id=external_id, meta=meta
    )
    return receive_messages([incoming], actor=actor)[0]


@transaction.atomic
def receive_messages(items: list[IncomingMessage], *, actor: Actor = SYSTEM) -> list[Message]:
    """Customers' messages, on one ticket or many (a group of chat lines), in their order: one lock for their
    tickets, one insert for the messages and one for their audit rows, one update per ticket. Each message is
    rewritten by the account's replacement rules and may reopen its ticket and start its default deadline, as
    if it came alone; each publishes its own ``message.received``. Every message is checked before anything is
    stored: one that is not valid raises its DomainError and nothing of the batch is stored."""
    for item in items:
        check_incoming(item.kind, item.text, item.html_body)
    locked = lock_tickets([item.ticket for item in items])
    changes: dict[int, dict] = {}
    stored: list[tuple[Message, str | None]] = []  # (message, the status it reopened its ticket from)
    for item in items:
        ticket = locked[item.ticket.pk]
        message, reopened_from, updates = _received(ticket, item)
        changes.setdefault(ticket.pk, {}).update(updates)
        stored.append((message, reopened_from))
    Message.objects.bulk_create([message for message, _from in stored])
    _write_activity(changes)
    audit.record_all([_received_entry(message, actor) for message, _from in stored])
    for message, reopened_from in stored:
        _publish_received(message, actor, reopened_from)
    return [message for message, _from in stored]


def open_ticket(
    *,
    account,
    contact,
    subject: str,
    kind: str,
    channel: str,
    text: str = "",
    html_body: str = "",
    external_id: str = "",
    meta: dict | None = None,
    department=None,
    brand=None,
    actor: Actor = SYSTEM,
) -> Message:
    """A customer's first message opens a ticket: ``create_ticket`` then ``receive_message`` in fewer statements.
    The ticket is inserted with the message's activity already on it, so there is nothing to lock or update and
    no tag rows yet; the two audit rows go in one insert. The events are theirs, in their order. Returns the
    message (``message.ticket`` is the new ticket). A message that is not valid raises its DomainError before
    anything is written; the writes are all or nothing within the caller's transaction (ingest delivers each
    mail in a savepoint of its own), with no savepoint of their own."""
    check_incoming(kind, text, html_body)
    ticket = new_ticket(
        account=account, contact=contact, subject=subject, channel=channel, department=department, brand=brand
    )
    item = IncomingMessage(
        ticket=ticket, contact=contact, kind=kind, text=text, html_body=html_body, external_id=external_id, meta=meta
    )
    message, _reopened_from, _updates = _received(ticket, item)  # sets the activity on the unsaved ticket
    with transaction.atomic(savepoint=False):
        insert_ticket(ticket)
        message.ticket = ticket
        insert_row(message)
        audit.record_all([created_entry(ticket, actor), _received_entry(message, actor)])
        publish_created(ticket, actor)
        _publish_received(message, actor)
    return message


def _publish_received(message: Message, actor: Actor, reopened_from: str | None = None) -> None:
    common = {"account_id": message.account_id, "actor_user_id": actor.user_id, "ticket_id": message.ticket_id}
    publish_on_commit(ev.MessageReceived(**common, message_id=message.pk, kind=message.kind))
    if reopened_from is not None:
        publish_on_commit(ev.TicketStatusChanged(**common, from_status=reopened_from, to_status=Status.OPEN))


def _received_entry(message: Message, actor: Actor):
    data = {"message": message.public_id, "kind": message.kind}
    account = message.ticket.account
    return audit.entry(account=account, actor=actor, action=ev.MessageReceived.name, subject=message.ticket, data=data)


def _received(ticket: Ticket, item: IncomingMessage) -> tuple[Message, str | None, dict]:
    """One message of ``receive_messages``, not stored yet: (message, status it reopens the ticket from, the
    ticket's columns to update); the ticket (locked) is brought up to date in memory for the next message."""
    # The account's search-and-replace rules (helpline.replacements), before the message is stored.
    text, html_body, new_subject = rewrite_message(
        ticket=ticket, kind=item.kind, text=item.text, html_body=item.html_body
    )
    body_html, body_text = body_from(text=text, html_body=html_body)
    message = Message(
        account_id=ticket.account_id,
        ticket=ticket,
        kind=item.kind,
        direction=Direction.INBOUND,
        body_html=body_html,
        body_text=body_text,
        author_contact=item.contact,
        external_id=item.external_id[:255],
        meta=item.meta or {},
    )
    previous = ticket.status
    reopened = previous in REOPENED_BY_CUSTOMER
    deadline = {}
    if (Status.OPEN if reopened else previous) in WAITING_STATUSES and (reopened or ticket.sla_due_at is None):
        # It starts waiting on the team: the default deadline (helpline.tosolve.deadlines) until SLA levels exist.
        deadline["sla_due_at"] = default_due_at(
            account_id=ticket.account_id, department_id=ticket.department_id, start=clock.now()
        )
    if new_subject:
        deadline["subject"] = new_subject  # the ticket's first message: its subject is the ticket's
    updates = _activity(
        ticket, status=Status.OPEN if reopened else None, last_customer_message_at=clock.now(), **deadline
    )
    return message, previous if reopened else None, updates


@transaction.atomic
def send_reply(
    *,
    ticket: Ticket,
    author,
    text: str = "",
    html_body: str = "",
    actor: Actor | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    reply_all: bool = False,
    attachments: list[tuple[str, bytes, str]] | None = None,
    forward: Message | None = None,
    automatic: str = "",
    sent_externally: bool = False,
    external_id: str = "",
    meta: dict | None = None,
    locked: bool = False,
) -> Message:
    """An agent answers: the message is stored as queued first, then a task sends it through the channel.

    ``to``/``cc``/``bcc`` override the recipients (default: the requester); ``reply_all`` adds the ticket's
    participants; ``attachments`` are (name, content, content type); ``forward`` sends that message of the
    ticket on to ``to`` with ``text`` as a cover note. ``automatic`` (e.g. "new_ticket") marks an answer Helpline
    sends by itself (author None): it neither answers the ticket nor counts as the first response.
    ``sent_externally`` records a reply the agent already sent from their own mail client: stored as sent,
    never sent again. ``locked``: the caller holds the ticket's row and ``ticket`` is current (it was read under
    its lock, or inserted in this transaction, as a delivery's new ticket is), so it is not read again.
    """
    if forward is None:
        _check_body(text, html_body)
    elif len(text or "") > MAX_BODY or len(html_body or "") > MAX_BODY:
        raise DomainError(_("The message is too long."))
    actor = actor or Actor(user=author)
    if not (automatic or sent_externally or forward is not None):
        ensure_may_answer(ticket=ticket, author=author)  # the agent's "answer only through To solve" option
    ticket = ticket if locked else lock_ticket(ticket)
    meta = _outbound_meta(ticket, meta, to=to, cc=cc, bcc=bcc, reply_all=reply_all, forward=forward)
    if automatic:
        meta["automatic"] = automatic
    channel = _sending_channel(ticket, addressed=any(meta.get(key) for key in ("to", "cc", "bcc")))
    if channel != ticket.channel:
        meta["channel"] = channel  # the delivery task sends through this channel, not the ticket's
    body_html, body_text = body_from(text=text, html_body=html_body) if (text or html_body) else ("", "")
    message = _new_message(
        ticket,
        kind=_reply_kind(channel),
        direction=Direction.OUTBOUND,
        body_html=body_html,
        body_text=body_text,
        author_user=author,
        delivery_status=Delivery.SENT if sent_externally else Delivery.QUEUED,
        external_id=external_id[:255],
        meta=meta,
    )
    stored = [
        store_attachment(message=message, name=name, content=content, content_type=content_type)
        for name, content, content_type in attachments or ()
    ]
    # Images the agent pasted into the editor: <img src="cid:FILE NAME"> → that attachment's authorised URL.
    link_inline_images(message, {a.name.lower(): a.public_id for a in stored})
    previous = ticket.status
    live = previous in (Status.CHATTING, Status.CALLING)
    answers = not (automatic or forward is not None)
    if answers:
        answered = {"last_agent_message_at": clock.now()}
        if not live:
            answered["sla_due_at"] = None  # the team answered: it waits no more
        _touch(
            ticket,
            status=None if live else Status.ANSWERED,
            first_response=ticket.first_response_at is None,
            **answered,
        )
    else:
        _touch(ticket)
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.ReplyQueued.name,
        subject=ticket,
        data={"message": message.public_id, **{k: meta[k] for k in ("automatic", "forward_of") if k in meta}},
    )
    publish_on_commit(
        ev.ReplyQueued(
            account_id=ticket.account_id,
            actor_user_id=actor.user_id,
            ticket_id=ticket.pk,
            message_id=message.pk,
            kind=message.kind,
        )
    )
    if answers and not live and previous != Status.ANSWERED:
        publish_on_commit(
            ev.TicketStatusChanged(
                account_id=ticket.account_id,
                actor_user_id=actor.user_id,
                ticket_id=ticket.pk,
                from_status=previous,
                to_status=Status.ANSWERED,
            )
        )
    return message


def _addresses(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        address = (value or "").strip().lower()
        try:
            validate_email(address)
        except ValidationError as exc:
            raise DomainError(_("%(address)s is not a valid email address.") % {"address": value}) from exc
        if address not in out:
            out.append(address)
    return out


def _outbound_meta(ticket: Ticket, meta: dict | None, *, to, cc, bcc, reply_all: bool, forward) -> dict:
    meta = dict(meta or {})
    for key, values in (("to", to), ("cc", cc), ("bcc", bcc)):
        if values:
            meta[key] = _addresses(values)
    if reply_all:
        meta["reply_all"] = True
    if forward is not None:
        if forward.ticket_id != ticket.pk or forward.direction == Direction.INTERNAL:
            raise DomainError(_("Only a message of this ticket can be forwarded."))
        if not meta.get("to"):
            raise DomainError(_("Say whom to forward the message to."))
        meta["forward_of"] = forward.public_id
    return meta


def _reply_kind(channel: str) -> str:
    from helpline.channels.registry import registry

    return registry.get(channel).message_kind


INTERNAL_CHANNEL = "internal"  # agent-to-agent tickets (helpline.channels.internal): no customer, no mail


def _sending_channel(ticket: Ticket, *, addressed: bool) -> str:
    """The channel that sends the message: the ticket's, unless it has explicit email recipients the ticket's
    channel cannot address (a forward from a chat or form ticket): then the channel that sends to addresses."""
    from helpline.channels.registry import registry

    if addressed and ticket.channel == INTERNAL_CHANNEL:
        raise DomainError(_("An internal ticket stays between agents: nothing in it is sent to an address."))
    if not addressed or registry.get(ticket.channel).sends_to_addresses:
        return ticket.channel
    for kind, _label in registry.kinds():
        if registry.get(kind).sends_to_addresses:
            return kind
    raise DomainError(_("No channel can send to email addresses."))


@transaction.atomic
def add_note(*, ticket: Ticket, author, text: str = "", html_body: str = "", actor: Actor | None = None) -> Message:
    """An internal note: visible to agents only, never sent."""
    _check_body(text, html_body)
    actor = actor or Actor(user=author)
    ticket = lock_ticket(ticket)
    body_html, body_text = body_from(text=text, html_body=html_body)
    message = _new_message(
        ticket,
        kind=MessageKind.NOTE,
        direction=Direction.INTERNAL,
        body_html=body_html,
        body_text=body_text,
        author_user=author,
    )
    _touch(ticket)
    audit.record(
        account=ticket.account,
        actor=actor,
        action=ev.NoteAdded.name,
        subject=ticket,
        data={"message": message.public_id},
    )
    publish_on_commit(
        ev.NoteAdded(
            account_id=ticket.account_id, actor_user_id=actor.user_id, ticket_id=ticket.pk, message_id=message.pk
        )
    )
    return message


@transaction.atomic
def record_delivery(*, message: Message, status: str, error: str = "", external_id: str = "") -> Message:
    """The channel reports how sending went. Idempotent: a repeat of the same status changes nothing."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.delivery_status == status and not error:
        return message
    message.delivery_status = status
    message.delivery_error = error[:2000]
    message.delivery_attempts = message.delivery_attempts + 1
    fields = ["delivery_status", "delivery_error", "delivery_attempts"]
    if external_id:
        message.external_id = external_id[:255]
        fields.append("external_id")
    message.save(update_fields=fields)
    publish_on_commit(
        ev.MessageDeliveryChanged(
            account_id=message.account_id, ticket_id=message.ticket_id, message_id=message.pk, delivery_status=status
        )
    )
    return message


@transaction.atomic
def retry_delivery(*, message: Message, actor: Actor) -> Message:
    """Queue a reply whose sending failed for good once more (e.g. after the mail server was fixed)."""
    message = Message.objects.select_for_update().select_related("ticket__account").get(pk=message.pk)
    if message.direction != Direction.OUTBOUND or message.delivery_status != Delivery.FAILED:
        raise DomainError(_("Only a message that failed to send can be retried."))
    message.delivery_status = Delivery.QUEUED
    message.delivery_error = ""
    message.delivery_attempts = 0
    message.save(update_fields=["delivery_status", "delivery_error", "delivery_attempts"])
    ticket = message.ticket
    audit.record(
        account=ticket.account,
        actor=actor,
        action="reply.retried",
        subject=ticket,
        data={"message": message.public_id},
    )
    publish_on_commit(
        ev.ReplyQueued(
            account_id=ticket.account_id,
            actor_user_id=actor.user_id,
            ticket_id=ticket.pk,
            message_id=message.pk,
            kind=message.kind,
        )
    )
    return message
