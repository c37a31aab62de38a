"""Internal tickets: an agent opens a ticket to another agent or a department; there is no customer.

The ticket's channel is ``internal`` (filterable like any channel, see helpline.channels.internal, whose
adapter never sends anything) and its requester is the contact standing for the opening agent
(people.actions.contact_for_agent), which has no address. The first message is an internal note.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions.messages import add_note
from helpline.conversations.actions.tickets import assign_ticket, create_ticket
from helpline.conversations.models import Ticket
from helpline.conversations.statuses import Priority
from helpline.core.actors import Actor
from helpline.core.errors import DomainError

INTERNAL = "internal"


@transaction.atomic
def open_internal_ticket(
    *,
    account,
    author,
    subject: str,
    text: str,
    assignee=None,
    department=None,
    priority: int = Priority.NORMAL,
    actor: Actor | None = None,
) -> Ticket:
    from helpline.people.actions import contact_for_agent

    if assignee is None and department is None:
        raise DomainError(_("Choose the agent or the department the ticket is for."))
    if not subject.strip():
        raise DomainError(_("Give the ticket a subject."))
    actor = actor or Actor(user=author)
    ticket = create_ticket(
        account=account,
        contact=contact_for_agent(account=account, user=author),
        subject=subject,
        channel=INTERNAL,
        department=department,
        priority=priority,
        actor=actor,
    )
    add_note(ticket=ticket, author=author, text=text, actor=actor)
    if assignee is not None:
        ticket = assign_ticket(ticket=ticket, assignee=assignee, actor=actor)
    return ticket
