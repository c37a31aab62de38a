"""Mail Helpline sends by itself: the "new ticket received" acknowledgement and status notices.

Each is an outbound Message (``send_reply(automatic=…)``) so the agent sees it in the thread and the delivery
task records its status and retries it; each is logged in ``AutoReplyLog`` in the same transaction, which is
what the rate limits count. ``loops.py`` says when an answer is forbidden.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from helpline.channels.email import loops, templates
from helpline.channels.email.models import EmailTemplate
from helpline.channels.email.outbound import brand_for, ticket_mailbox
from helpline.conversations import actions as conversations
from helpline.conversations.locks import lock_ticket
from helpline.conversations.models import Ticket
from helpline.events.decisions import decide
from helpline.people.models import Contact

log = logging.getLogger(__name__)


@transaction.atomic
def send_automatic(
    *,
    ticket: Ticket,
    kind: str,
    recipient: str,
    mailbox=None,
    extra: dict | None = None,
    limited: bool = True,
    own=None,
    new_ticket: bool = False,
) -> str:
    """Render the account's template of this kind and queue it to ``recipient``.

    ``limited``: an answer to incoming mail (which a loop could trigger) counts against the rate limits; a
    notice an agent's action causes does not. ``new_ticket``: the ticket was opened by the mail being delivered,
    so no automatic answer on it can count yet (only the recipient's are counted). Returns "sent", or why not:
    "template_off", "ticket_limit", "recipient_limit", "invalid_address", "system_address", "own_address".
    """
    from helpline.channels.email.policy import OwnAddresses

    recipient = recipient.strip().lower()
    reason = loops.recipient_reason(recipient, own or OwnAddresses(ticket.account))
    if reason:
        return reason
    # One automatic answer at a time per recipient: concurrent deliveries queue here, then count the log. (SQLite
    # has no row locks: its write transaction already lets one delivery at a time in, so nothing to ask for.)
    if connection.features.has_select_for_update:
        contacts = Contact.objects.select_for_update().filter(account_id=ticket.account_id, primary_email=recipient)
        list(contacts.values_list("pk", flat=True))
    if not new_ticket:  # a ticket the delivery has just opened is seen by no one else yet: nothing to wait for
        ticket = lock_ticket(ticket)
    counted = None if new_ticket else ticket
    reason = loops.rate_reason(account=ticket.account, ticket=counted, recipient=recipient) if limited else ""
    if reason:
        return reason
    context = templates.context_for(ticket, mailbox=mailbox, brand=brand_for(ticket, mailbox), extra=extra)
    rendered = templates.render(ticket.account, kind, context)
    if rendered is None:
        return "template_off"
    conversations.send_reply(
        ticket=ticket,
        author=None,
        text=rendered.text,
        html_body=rendered.html,
        to=[recipient],
        automatic=kind,
        meta={"subject": rendered.subject},
        locked=new_ticket,
    )
    loops.log_auto_reply(account=ticket.account, ticket=ticket, recipient=recipient, kind=kind)
    return "sent"


ACKNOWLEDGED = {"new_ticket", "stranger_new_ticket"}  # thread reasons that open a ticket for a customer


def acknowledge(ticket: Ticket, *, recipient: str, mailbox, suppressed: str, own=None) -> str:
    """After a new ticket was opened from a customer's mail, inside that delivery's transaction: the "we
    received it" answer, unless forbidden. It runs in a savepoint: if it fails, the ticket stays stored."""
    if suppressed:
        return suppressed
    try:  # send_automatic is atomic: inside the delivery's transaction, a savepoint of its own
        outcome = send_automatic(
            ticket=ticket,
            kind=EmailTemplate.NEW_TICKET,
            recipient=recipient,
            mailbox=mailbox,
            own=own,
            new_ticket=True,
        )
    except Exception:  # the ticket is stored; a failing acknowledgement must never undo or block that
        log.exception("acknowledgement for ticket %s failed", ticket.public_id)
        return "error"
    if outcome != "sent":
        log.info("no acknowledgement for ticket %s: %s", ticket.public_id, outcome)
    return outcome


def send_notice(ticket: Ticket, kind: str, *, extra: dict | None = None) -> str:
    """A status notice to the requester (``resolved``, ``survey``): sent only if the account switched it on."""
    if ticket.channel != "email" or not ticket.contact.primary_email:
        return "not_email"
    return send_automatic(
        ticket=ticket,
        kind=kind,
        recipient=ticket.contact.primary_email,
        mailbox=ticket_mailbox(ticket),
        extra=extra,
        limited=False,
    )


def notify_resolved(event) -> None:
    """Subscriber for ``TicketStatusChanged``: the "ticket resolved" notice, when the account switched it on."""
    from helpline.conversations.statuses import Status

    if event.to_status != Status.RESOLVED:
        return
    key = ("notice_on", event.account_id, EmailTemplate.RESOLVED)
    if not decide(key, lambda: templates.may_be_on(event.account_id, EmailTemplate.RESOLVED)):
        return
    ticket = Ticket.objects.select_related("account", "contact", "brand").filter(pk=event.ticket_id).first()
    if ticket is not None:
        outcome = send_notice(ticket, EmailTemplate.RESOLVED)
        log.info("resolved notice for ticket %s: %s", ticket.public_id, outcome)
