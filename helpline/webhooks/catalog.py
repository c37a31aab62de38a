"""Which domain events a webhook can subscribe to, and the JSON each one carries.

A payload is ``{"id", "type", "created_at", "account", "data"}``; ``data`` names everything by public id and
reuses the REST API's shapes (a ticket as ``GET /api/v1/tickets/{id}`` returns it, a message as in its
messages list), so one parser serves both. See docs/webhooks.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpline.core import clock
from helpline.events import types as e


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    ticket: bool = True  # about one ticket: the department filter applies


EVENT_TYPES = {
    t.name: t
    for t in [
        EventType(e.TicketCreated.name, _("Ticket created")),
        EventType(e.MessageReceived.name, _("Customer message received")),
        EventType(e.ReplyQueued.name, _("Agent reply sent")),
        EventType(e.NoteAdded.name, _("Internal note added")),
        EventType(e.TicketAssigned.name, _("Ticket assigned")),
        EventType(e.TicketTransferred.name, _("Ticket moved to another department")),
        EventType(e.TicketStatusChanged.name, _("Ticket status changed")),
        EventType(e.TicketPriorityChanged.name, _("Ticket priority changed")),
        EventType(e.TicketTagged.name, _("Ticket tagged")),
        EventType(e.TicketUntagged.name, _("Ticket untagged")),
        EventType(e.TicketMerged.name, _("Tickets merged")),
        EventType(e.RatingReceived.name, _("Satisfaction rating received")),
        EventType(e.SlaWarning.name, _("SLA target due soon")),
        EventType(e.SlaBreached.name, _("SLA target breached")),
        EventType(e.ContactCreated.name, _("Contact created"), ticket=False),
        EventType(e.ContactChanged.name, _("Contact changed"), ticket=False),
    ]
}
# What a Slack webhook can post: new tickets and customer replies.
SLACK_EVENT_TYPES = (e.TicketCreated.name, e.MessageReceived.name)
EVENT_CLASSES = {cls.name: cls for cls in e.ALL_EVENTS if cls.name in EVENT_TYPES}
TEST_EVENT = "webhook.test"


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def ticket_url(ticket) -> str:
    return f"{settings.BASE_URL}/agent/tickets/{ticket.public_id}/"


def _ticket(ticket_id: int, account_id: int):
    from helpline.conversations.models import Ticket

    return (
        Ticket.objects.select_related("contact", "department", "assignee", "merged_into")
        .prefetch_related("tags")
        .filter(pk=ticket_id, account_id=account_id)
        .first()
    )


def _user_id(user_id: int | None) -> str | None:
    from helpline.tenancy.models import User

    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).values_list("public_id", flat=True).first()


def _department_id(department_id: int | None) -> str | None:
    from helpline.tenancy.models import Department

    if department_id is None:
        return None
    return Department.objects.filter(pk=department_id).values_list("public_id", flat=True).first()


def ticket_data(ticket) -> dict:
    from helpline.api.schemas.tickets import TicketOut

    return {**TicketOut.from_orm(ticket).model_dump(mode="json"), "url": ticket_url(ticket)}


def message_data(message_id: int, ticket) -> dict | None:
    from helpline.api.schemas.messages import MessageOut
    from helpline.conversations.models import Message

    message = (
        Message.objects.select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .filter(pk=message_id, ticket=ticket)
        .first()
    )
    return MessageOut.from_orm(message).model_dump(mode="json") if message else None


def event_data(event: e.Event) -> tuple[dict, object | None] | None:
    """``(data, ticket)`` for the payload of this event; None when what it is about is gone."""
    from helpline.api.schemas.tickets import ContactRef

    if isinstance(event, (e.ContactCreated, e.ContactChanged)):
        from helpline.people.models import Contact

        contact = Contact.objects.filter(pk=event.contact_id, account_id=event.account_id).first()
        return ({"contact": ContactRef.from_orm(contact).model_dump(mode="json")}, None) if contact else None
    ticket = _ticket(event.ticket_id, event.account_id)
    if ticket is None:
        return None
    data = {"ticket": ticket_data(ticket)}
    if isinstance(event, e.TicketCreated):
        from helpline.conversations.models import Message

        first = Message.objects.filter(ticket=ticket).order_by("id").values_list("pk", flat=True).first()
        data["message"] = message_data(first, ticket) if first else None
    elif isinstance(event, (e.MessageReceived, e.ReplyQueued, e.NoteAdded)):
        message = message_data(event.message_id, ticket)
        if message is None:
            return None
        data["message"] = message
    elif isinstance(event, e.TicketAssigned):
        data["from_assignee"], data["to_assignee"] = _user_id(event.from_user_id), _user_id(event.to_user_id)
    elif isinstance(event, e.TicketTransferred):
        data["from_department"] = _department_id(event.from_department_id)
        data["to_department"] = _department_id(event.to_department_id)
    elif isinstance(event, e.TicketStatusChanged):
        data["from_status"], data["to_status"] = event.from_status, event.to_status
    elif isinstance(event, e.TicketPriorityChanged):
        from helpline.conversations.statuses import PRIORITY_NAMES

        data["from_priority"] = PRIORITY_NAMES.get(event.from_priority)
        data["to_priority"] = PRIORITY_NAMES.get(event.to_priority)
    elif isinstance(event, (e.TicketTagged, e.TicketUntagged)):
        data["tags"] = list(event.tags)
    elif isinstance(event, e.TicketMerged):
        from helpline.conversations.models import Ticket

        merged = Ticket.objects.filter(pk__in=event.merged_ticket_ids).values_list("public_id", flat=True)
        data["survivor"] = (
            Ticket.objects.filter(pk=event.survivor_ticket_id).values_list("public_id", flat=True).first()
        )
        data["merged"] = sorted(merged)
    elif isinstance(event, (e.SlaWarning, e.SlaBreached)):
        from helpline.sla.models import SlaLevel

        level = SlaLevel.objects.filter(pk=event.level_id, account_id=event.account_id).first()
        data["sla"] = {"target": event.target, "due_at": event.due_at, "level": level.public_id if level else None}
    elif isinstance(event, e.RatingReceived):
        from helpline.surveys.models import Rating

        rating = Rating.objects.filter(pk=event.rating_id, account_id=event.account_id).first()
        if rating is None:
            return None
        data["rating"] = rating_data(rating)
    return data, ticket


def rating_data(rating) -> dict:
    return {
        "id": rating.public_id,
        "value": rating.value,
        "comment": rating.comment,
        "source": rating.source,
        "created_at": rating.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": rating.updated_at.isoformat().replace("+00:00", "Z"),
    }


def envelope(*, event_type: str, account_public_id: str, data: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or new_event_id(),
        "type": event_type,
        "created_at": clock.now().isoformat().replace("+00:00", "Z"),
        "account": account_public_id,
        "data": data,
    }
