"""Every domain event, past tense. Events carry ids, not model instances, so they survive queues."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str]
    account_id: int
    actor_user_id: int | None = None

    def as_dict(self) -> dict:
        return {"event": self.name, **asdict(self)}


@dataclass(frozen=True, kw_only=True)
class TicketEvent(Event):
    ticket_id: int


@dataclass(frozen=True, kw_only=True)
class TicketCreated(TicketEvent):
    name: ClassVar[str] = "ticket.created"
    channel: str


@dataclass(frozen=True, kw_only=True)
class MessageReceived(TicketEvent):
    name: ClassVar[str] = "message.received"
    message_id: int


@dataclass(frozen=True, kw_only=True)
class ReplyQueued(TicketEvent):
    name: ClassVar[str] = "reply.queued"
    message_id: int


@dataclass(frozen=True, kw_only=True)
class NoteAdded(TicketEvent):
    name: ClassVar[str] = "note.added"
    message_id: int


@dataclass(frozen=True, kw_only=True)
class MessageDeliveryChanged(TicketEvent):
    name: ClassVar[str] = "message.delivery_changed"
    message_id: int
    delivery_status: str


@dataclass(frozen=True, kw_only=True)
class TicketAssigned(TicketEvent):
    name: ClassVar[str] = "ticket.assigned"
    from_user_id: int | None
    to_user_id: int | None


@dataclass(frozen=True, kw_only=True)
class TicketTransferred(TicketEvent):
    name: ClassVar[str] = "ticket.transferred"
    from_department_id: int | None
    to_department_id: int | None


@dataclass(frozen=True, kw_only=True)
class TicketStatusChanged(TicketEvent):
    name: ClassVar[str] = "ticket.status_changed"
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class TicketPriorityChanged(TicketEvent):
    name: ClassVar[str] = "ticket.priority_changed"
    from_priority: int
    to_priority: int


@dataclass(frozen=True, kw_only=True)
class TicketTagged(TicketEvent):
    name: ClassVar[str] = "ticket.tagged"
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class TicketUntagged(TicketEvent):
    name: ClassVar[str] = "ticket.untagged"
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class CustomFieldSet(TicketEvent):
    name: ClassVar[str] = "ticket.custom_field_set"
    field_key: str


@dataclass(frozen=True, kw_only=True)
class ContactCreated(Event):
    name: ClassVar[str] = "contact.created"
    contact_id: int


@dataclass(frozen=True, kw_only=True)
class ContactChanged(Event):
    name: ClassVar[str] = "contact.changed"
    contact_id: int


ALL_EVENTS: tuple[type[Event], ...] = (
    TicketCreated,
    MessageReceived,
    ReplyQueued,
    NoteAdded,
    MessageDeliveryChanged,
    TicketAssigned,
    TicketTransferred,
    TicketStatusChanged,
    TicketPriorityChanged,
    TicketTagged,
    TicketUntagged,
    CustomFieldSet,
    ContactCreated,
    ContactChanged,
)
