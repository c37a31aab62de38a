"""Which ticket an email continues: In-Reply-To, then References (newest first), then the ticket code.

Every Message-ID Helpline stored (an inbound message's own) or sent (an outbound message's, recorded after
sending) is in ``Message.external_id``, so both the customer's replies to our mail and follow-ups to their own
earlier mail find the ticket. Matching never crosses accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpline.conversations.models import Message, Ticket, TicketParticipant
from helpline.conversations.statuses import Direction
from helpline.ingest import batch
from helpline.ingest.pipeline import TICKET_CODE

IN_REPLY_TO, REFERENCES, TICKET_CODE_REASON = "in_reply_to", "references", "ticket_code"
MAX_IDS = 100


@dataclass(frozen=True)
class ThreadMatch:
    ticket: Ticket
    how: str  # "in_reply_to", "references" or "ticket_code"
    message: Message | None = None  # the message whose id was quoted (None for a ticket-code match)


def stored_messages(account, ids: list[str]) -> list[Message]:
    """The account's messages (not internal notes) with these external ids, with their tickets: from the
    lookups of the batch being delivered when it looked them up (``prefetch``), else from the database."""
    lookups = batch.current(account.pk)
    if lookups is not None and lookups.covers(ids):
        return [message for value in ids for message in lookups.messages_for(value)]
    return list(
        Message.objects.filter(account=account, external_id__in=ids)
        .exclude(direction=Direction.INTERNAL)
        .select_related("ticket")
    )


def prefetch(account, ids: set[str]) -> None:
    """Look up, for the batch being delivered, every stored message these external ids name (one query)."""
    lookups = batch.current(account.pk)
    ids = {i for i in ids if i} - lookups.known_ids
    for part in batch.chunks(sorted(ids)):
        # Sorted here, not by ORDER BY id: SQLite would then walk every message of the account in id order
        # rather than look the ids up in the (account, external_id) index.
        found = (
            Message.objects.filter(account=account, external_id__in=part)
            .exclude(direction=Direction.INTERNAL)
            .select_related("ticket")
        )
        for message in sorted(found, key=lambda m: m.pk):
            lookups.messages.setdefault(message.external_id, []).append(message)
    lookups.known_ids |= ids


def _by_ids(account, ids: list[str]) -> ThreadMatch | None:
    if not ids:
        return None
    newest: dict[str, Message] = {}
    for message in sorted(stored_messages(account, ids), key=lambda m: m.pk, reverse=True):
        newest.setdefault(message.external_id, message)
    for value in ids:  # the order the sender gave: the closest parent first
        if value in newest:
            return ThreadMatch(ticket=newest[value].ticket, how="", message=newest[value])
    return None


def match_thread(account, *, in_reply_to: list[str], references: list[str], subject: str) -> ThreadMatch | None:
    """``references`` newest first (the reverse of the header's order): the closest ancestor is tried first."""
    parents = [i for i in in_reply_to if i][:MAX_IDS]
    match = _by_ids(account, parents)
    if match:
        return ThreadMatch(ticket=match.ticket, how=IN_REPLY_TO, message=match.message)
    chain = [i for i in references if i and i not in parents][:MAX_IDS]
    match = _by_ids(account, chain)
    if match:
        return ThreadMatch(ticket=match.ticket, how=REFERENCES, message=match.message)
    for code in TICKET_CODE.findall(subject or ""):
        ticket = Ticket.objects.filter(account=account, code=code).first()
        if ticket:
            return ThreadMatch(ticket=ticket, how=TICKET_CODE_REASON)
    return None


def own_message(account, external_id: str) -> Message | None:
    """Our own outgoing mail coming back in (a mailbox copied on its own mail, a Sent folder fetched)."""
    if not external_id:
        return None
    ours = [m for m in stored_messages(account, [external_id]) if m.direction == Direction.OUTBOUND]
    return min(ours, key=lambda m: m.pk, default=None)


def is_participant(ticket: Ticket, contact) -> bool:
    return ticket.contact_id == contact.pk or TicketParticipant.objects.filter(ticket=ticket, contact=contact).exists()


def was_addressed(match: ThreadMatch, address: str) -> bool:
    """The sender answers a mail we sent to them (e.g. a forward to a supplier): they are no stranger."""
    sent = match.message
    if sent is None or sent.direction != Direction.OUTBOUND:
        return False
    recipients = {a.lower() for key in ("to", "cc", "bcc") for a in sent.meta.get(key, [])}
    return address.lower() in recipients
