"""Domain events → notifications (see recipients for who, preferences for how). Each runs after the commit of the
action that published the event; none of them ever tells the agent who caused it."""

from __future__ import annotations

from helpline.events import types as ev
from helpline.events.decisions import decide, gather
from helpline.notifications import kinds, recipients
from helpline.notifications.actions import notify


def _ticket(ticket_id: int):
    from helpline.conversations.models import Ticket

    return Ticket.objects.filter(pk=ticket_id).first()


LIVE_KINDS = ("chat",)  # chat lines: the agent follows them in the console (a waiting chat rings agents)


def _tickets(events: list, **only) -> dict:
    """The events' tickets by id; ``only``: just those matching these filters (a batch of new mail loads none of its
    tickets to learn that no one is assigned to them)."""
    from helpline.conversations.models import Ticket

    return Ticket.objects.filter(**only).in_bulk({event.ticket_id for event in events})


def _department_members(account_id: int, department_id: int) -> set[int]:
    key = ("department members", account_id, department_id)
    return decide(key, lambda: recipients.department_member_ids(account_id, department_id))


def _notify(ticket, kind: str, user_ids, event: ev.TicketEvent, department_id=None) -> None:
    memberships = recipients.eligible(ticket, user_ids, actor_user_id=event.actor_user_id)
    if memberships:
        notify(
            ticket=ticket,
            kind=kind,
            memberships=memberships,
            actor_user_id=event.actor_user_id,
            department_id=department_id,
        )


def notify_new_ticket(event: ev.TicketCreated) -> None:
    """The members of the new ticket's department (in a batch, for all its new tickets at its end)."""
    if not gather(notify_new_tickets, event):
        notify_new_tickets([event])


def notify_new_tickets(events: list[ev.TicketCreated]) -> None:
    tickets = _tickets(events, department__isnull=False)
    for event in events:
        ticket = tickets.get(event.ticket_id)
        if ticket is not None:
            members = _department_members(ticket.account_id, ticket.department_id)
            _notify(ticket, kinds.NEW_TICKET, members, event, department_id=ticket.department_id)


def notify_assignee(event: ev.TicketAssigned) -> None:
    ticket = _ticket(event.ticket_id)
    if ticket is None or event.to_user_id is None or ticket.assignee_id != event.to_user_id:
        return  # unassigned, or assigned to someone else again since
    _notify(ticket, kinds.ASSIGNED, [event.to_user_id], event)


def notify_customer_reply(event: ev.MessageReceived) -> None:
    """The ticket's assignee, for a customer's message after the first one (the first opened the ticket), and not
    for the lines of a live chat or call, which the agent follows in the console (in a batch, at its end)."""
    if not gather(notify_customer_replies, event):
        notify_customer_replies([event])


def notify_customer_replies(events: list[ev.MessageReceived]) -> None:
    from helpline.conversations.models import Message
    from helpline.conversations.statuses import Status

    events = [event for event in events if event.kind not in LIVE_KINDS]
    tickets = _tickets(events, assignee__isnull=False) if events else {}
    for event in events:
        ticket = tickets.get(event.ticket_id)
        if ticket is None or ticket.status in (Status.CHATTING, Status.CALLING):
            continue
        if Message.objects.filter(ticket_id=ticket.pk, pk__lt=event.message_id).exists():
            _notify(ticket, kinds.CUSTOMER_REPLIED, [ticket.assignee_id], event)


def notify_mentions(event: ev.NoteAdded) -> None:
    """Agents named with "@" in the note, if they may see the ticket."""
    from helpline.conversations.models import Message

    note = Message.objects.filter(pk=event.message_id).values("body_text", "author_user_id").first()
    if note is None or "@" not in note["body_text"]:
        return
    ticket = _ticket(event.ticket_id)
    if ticket is None:
        return
    named = recipients.mentioned_user_ids(ticket.account_id, note["body_text"]) - {note["author_user_id"]}
    _notify(ticket, kinds.MENTIONED, named, event)


def notify_transfer(event: ev.TicketTransferred) -> None:
    """The members of the department the ticket moved to."""
    ticket = _ticket(event.ticket_id)
    if ticket is None or event.to_department_id is None or ticket.department_id != event.to_department_id:
        return
    members = recipients.department_member_ids(ticket.account_id, event.to_department_id)
    _notify(ticket, kinds.TRANSFERRED, members, event, department_id=event.to_department_id)
