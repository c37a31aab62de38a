"""Fetch conversation objects by public id for one account; anything else is 'not found'."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.conversations.models import Attachment, Message, Ticket
from helpline.conversations.selectors import ticket_detail
from helpline.conversations.visibility import can_see_ticket
from helpline.core.errors import NotFound


def access_ticket(account, public_id: str, *, membership=None) -> Ticket:
    """With a membership, a ticket outside what the agent may see (conversations.visibility) is "not found" too."""
    ticket = ticket_detail(Ticket.objects.filter(account=account, public_id=public_id)).first()
    if ticket is None or (membership is not None and not can_see_ticket(membership, ticket)):
        raise NotFound(_("No such ticket."))
    return ticket


def access_ticket_by_code(account, code: str, *, membership=None) -> Ticket:
    """With a membership, a ticket outside what the agent may see is "not found" too (as access_ticket)."""
    ticket = Ticket.objects.filter(account=account, code=code.upper()).first()
    if ticket is None or (membership is not None and not can_see_ticket(membership, ticket)):
        raise NotFound(_("No such ticket."))
    return ticket


def access_message(account, public_id: str) -> Message:
    message = Message.objects.filter(account=account, public_id=public_id).select_related("ticket").first()
    if message is None:
        raise NotFound(_("No such message."))
    return message


def access_attachment(account, public_id: str) -> Attachment:
    attachment = Attachment.objects.filter(account=account, public_id=public_id).first()
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment
