"""The email channel's threading policy: own mail, spam, agents' replies, strangers and participants.

Reasons kept on the InboundRecord and in ``Message.meta["thread_reason"]``:

- ``in_reply_to`` / ``references`` / ``ticket_code``: a participant continues the ticket so matched;
- ``new_ticket``: nothing matched;
- ``stranger_added``: a non-participant answered a ticket; the mailbox says "add them" (they become CC);
- ``stranger_new_ticket``: a non-participant answered a ticket; the mailbox says "new ticket"
  (``meta["related_ticket"]`` names the ticket they quoted, for the agent only);
- ``agent_reply``: an agent answered from their own mail client with a valid reply token;
- ``spam``: spamd scored it at or above the mailbox's threshold: a ticket of its own in status spam;
- ``own_message``: our own outgoing mail came back in; nothing is stored;
- ``duplicate`` (the pipeline): the same Message-ID was already delivered, e.g. through another mailbox.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction

from helpline.channels.email import loops, reply_token, threading
from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.conversations.models import Message, Ticket, TicketParticipant
from helpline.conversations.statuses import Status
from helpline.core.actors import SYSTEM
from helpline.core.rows import insert_rows
from helpline.ingest.batch import contact_for
from helpline.ingest.pipeline import InboundMessage, ThreadDecision, ThreadPolicy
from helpline.security import audit
from helpline.tenancy.models import User

MAX_PARTICIPANTS = 20  # added from one message's To and CC


class OwnAddresses:
    """The account's own addresses: every mailbox, and any address at one of its accepted domains."""

    def __init__(self, account):
        self.account = account

    @cached_property
    def mailboxes(self) -> set[str]:
        return {a.lower() for a in Mailbox.objects.filter(account=self.account).values_list("address", flat=True)}

    @cached_property
    def domains(self) -> set[str]:
        return {d.lower() for d in AcceptedDomain.objects.filter(account=self.account).values_list("domain", flat=True)}

    @cached_property
    def agent_emails(self) -> frozenset[str]:
        """The sign-in addresses of the account's active agents (one query for all the checks of one mail)."""
        return frozenset(
            e.lower()
            for e in User.objects.filter(
                is_active=True, memberships__account=self.account, memberships__is_active=True
            ).values_list("email", flat=True)
        )

    def __contains__(self, address: str) -> bool:
        address = (address or "").strip().lower()
        return address in self.mailboxes or address.rpartition("@")[2] in self.domains


def agent_for(account, address: str):
    """The active agent of the account who signs in with this address, if any."""
    if not address:
        return None
    return (
        User.objects.filter(
            email=address.strip().lower(),
            is_active=True,
            memberships__account=account,
            memberships__is_active=True,
        )
        .distinct()
        .first()
    )


@dataclass
class EmailPolicy(ThreadPolicy):
    mailbox: Mailbox | None = None
    to: list[tuple[str, str]] = field(default_factory=list)  # (display name, address) as in the headers
    cc: list[tuple[str, str]] = field(default_factory=list)
    token_values: list[str] = field(default_factory=list)  # Message-IDs and X-Helpline-Reply-Token values
    is_spam: bool = False
    own: OwnAddresses | None = None
    # The "we received it" answer to a new ticket: to whom, or why none may go ("" when one may).
    acknowledge_to: str = ""
    suppressed: str = ""

    @property
    def stranger_policy(self) -> str:
        return self.mailbox.stranger_policy if self.mailbox else Mailbox.NEW_TICKET

    def decide(self, inbound: InboundMessage, contact) -> ThreadDecision:
        account = inbound.account
        mine = threading.own_message(account, inbound.external_id)
        if mine is not None:
            return ThreadDecision(ticket=None, reason="own_message", existing=mine)
        if self.is_spam:
            return ThreadDecision(ticket=None, reason="spam", status=Status.SPAM)
        agent_decision = self._agent_reply(account, inbound.sender_value)
        if agent_decision is not None:
            return agent_decision
        match = threading.match_thread(
            account,
            in_reply_to=inbound.in_reply_to,
            references=inbound.references,
            subject=inbound.subject,
        )
        if match is None:
            return ThreadDecision(ticket=None, reason="new_ticket")
        if threading.is_participant(match.ticket, contact) or (
            match.how != threading.TICKET_CODE_REASON and threading.was_addressed(match, inbound.sender_value)
        ):
            return ThreadDecision(ticket=match.ticket, reason=match.how)
        if self.stranger_policy == Mailbox.ADD_PARTICIPANT:
            return ThreadDecision(ticket=match.ticket, reason="stranger_added", meta={"thread_match": match.how})
        return ThreadDecision(
            ticket=None,
            reason="stranger_new_ticket",
            meta={"thread_match": match.how, "related_ticket": match.ticket.code},
        )

    def _agent_reply(self, account, address: str) -> ThreadDecision | None:
        own = self.own or OwnAddresses(account)
        if (address or "").strip().lower() not in own.agent_emails:
            return None
        agent = agent_for(account, address)
        if agent is None:
            return None
        for found in reply_token.verified_tokens(self.token_values):
            if found.agent_public_id != agent.public_id:
                continue
            ticket = Ticket.objects.filter(account=account, public_id=found.ticket_public_id).first()
            if ticket is not None:
                return ThreadDecision(ticket=ticket, reason="agent_reply", agent=agent)
        return None

    @classmethod
    def prefetch(cls, inbounds: list[InboundMessage], lookups) -> None:
        """A batch's thread lookups in one query: every Message-ID its headers name, and its own ids (for
        ``own_message``)."""
        ids = set()
        for inbound in inbounds:
            ids.add(inbound.external_id)
            ids.update(inbound.in_reply_to[: threading.MAX_IDS])
            ids.update(inbound.references[: 2 * threading.MAX_IDS])
        threading.prefetch(inbounds[0].account, ids)
        loops.prefetch_answers(inbounds[0].account.pk, {i.policy.acknowledge_to for i in inbounds if i.policy})

    def identities_named(self, inbound: InboundMessage) -> list[tuple[str, str]]:
        return [("email", a) for _name, a in [*self.to, *self.cc][: 2 * MAX_PARTICIPANTS] if a]

    def stored(self, inbound: InboundMessage, message: Message, decision: ThreadDecision) -> None:
        if decision.reason == "spam":
            return
        ticket = message.ticket
        people = []
        if decision.reason == "stranger_added":
            people.append((inbound.sender_value, inbound.sender_name, TicketParticipant.CC))
        own = self.own or OwnAddresses(inbound.account)
        exclude = {inbound.sender_value.lower(), *own.agent_emails}
        for role, named in ((TicketParticipant.TO, self.to), (TicketParticipant.CC, self.cc)):
            people += [(a, name, role) for name, a in named if a and a.lower() not in exclude and a not in own]
        add_participants(ticket, people, new_ticket=decision.ticket is None)

    def delivered(self, inbound: InboundMessage, message: Message, decision: ThreadDecision, *, new_ticket: bool):
        """Acknowledge a new ticket in the delivery's own commit: one commit, and the search index and the
        agents' live lists refreshed once for the ticket and its first answer."""
        from helpline.channels.email import autoreply

        if new_ticket and decision.reason in autoreply.ACKNOWLEDGED:
            autoreply.acknowledge(
                message.ticket,
                recipient=self.acknowledge_to,
                mailbox=self.mailbox,
                suppressed=self.suppressed,
                own=self.own,
            )


def _already_on(ticket: Ticket, contact_ids: list[int]) -> set[int]:
    on_ticket = TicketParticipant.objects.filter(ticket=ticket, contact_id__in=contact_ids)
    return set(on_ticket.values_list("contact_id", flat=True))


@transaction.atomic(savepoint=False)  # called inside a delivery's savepoint, which a failure here rolls back
def add_participants(
    ticket: Ticket, people: list[tuple[str, str, str]], *, new_ticket: bool = False
) -> list[TicketParticipant]:
    """Add (address, name, role) to the ticket; the requester and people already on it are left alone. One
    query for who is on it already, one insert for the rest (one at a time only if someone added one meanwhile).
    ``new_ticket``: the delivery has just opened it, so no one is on it and no one else can add anyone."""
    wanted: dict[int, tuple[object, str]] = {}
    for address, name, role in people[:MAX_PARTICIPANTS]:
        contact, _created = contact_for(account=ticket.account, kind="email", value=address, name=name)
        if contact.pk != ticket.contact_id:
            wanted.setdefault(contact.pk, (contact, role))
    for contact_id in set() if new_ticket else _already_on(ticket, list(wanted)):
        del wanted[contact_id]
    if not wanted:
        return []
    new = [
        TicketParticipant(account_id=ticket.account_id, ticket=ticket, contact=contact, role=role)
        for contact, role in wanted.values()
    ]
    try:
        with nullcontext() if new_ticket else transaction.atomic():  # a savepoint only where a conflict can be
            insert_rows(new)
        added = new
    except IntegrityError:  # a concurrent delivery added one of them: keep whoever is not there yet
        added = [
            participant
            for participant, created in (
                TicketParticipant.objects.get_or_create(
                    ticket=ticket, contact=p.contact, defaults={"account_id": ticket.account_id, "role": p.role}
                )
                for p in new
            )
            if created
        ]
    audit.record_all(
        [
            audit.entry(
                account=ticket.account,
                actor=SYSTEM,
                action="ticket.participant_added",
                subject=ticket,
                data={"contact": p.contact.public_id, "role": p.role},
            )
            for p in added
        ]
    )
    return added
