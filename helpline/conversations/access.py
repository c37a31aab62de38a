"""Fetch conversation objects by public id for one account; anything else is 'not found'."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.conversations.models import Attachment, Message, Ticket
from helpline.conversations.selectors import ticket_detail
from helpline.core.errors import NotFound


def access_ticket(account, public_id: str) -> Ticket:
    ticket = ticket_detail(Ticket.objects.filter(account=account, public_id=public_id)).first()
    if ticket is None:
        raise NotFound(_("No such ticket."))
    return ticket


def access_ticket_by_code(account, code: str) -> Ticket:
    ticket = Ticket.objects.filter(account=account, code=code.upper()).first()
    if ticket is None:
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
