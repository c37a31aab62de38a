"""Every domain event, past tense. Events carry ids, not model instances, so they survive queues."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str]
    account_id: int
    actor_user_id: int | None = None
    # The event rules (ids, first to last) whose actions caused this event; set by publish_on_commit from
    # helpline.events.causation. The rule engine's loop guard reads it.
    causation: tuple[int, ...] = ()

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
    kind: str = ""  # the message's kind (email, chat, …): subscribers for one channel skip the others cheaply


@dataclass(frozen=True, kw_only=True)
class ReplyQueued(TicketEvent):
    name: ClassVar[str] = "reply.queued"
    message_id: int
    kind: str = ""  # the message's kind (email, chat, …): subscribers for one channel skip the others cheaply


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
class TicketSplit(TicketEvent):
    """Messages moved from ``source_ticket_id`` to ``new_ticket_id``; published once for each of the two tickets."""

    name: ClassVar[str] = "ticket.split"
    source_ticket_id: int
    new_ticket_id: int
    message_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class TicketMerged(TicketEvent):
    """``merged_ticket_ids`` moved into ``survivor_ticket_id``; published once for the survivor and once for each
    merged ticket."""

    name: ClassVar[str] = "ticket.merged"
    survivor_ticket_id: int
    merged_ticket_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class BulkJobStarted(Event):
    """A bulk action over many tickets was asked for; a task works through it."""

    name: ClassVar[str] = "bulk.started"
    job_id: int


@dataclass(frozen=True, kw_only=True)
class ContactCreated(Event):
    name: ClassVar[str] = "contact.created"
    contact_id: int


@dataclass(frozen=True, kw_only=True)
class ContactChanged(Event):
    name: ClassVar[str] = "contact.changed"
    contact_id: int


@dataclass(frozen=True, kw_only=True)
class ContactsMerged(Event):
    """``merged_contact_id`` (now deleted) was merged into ``contact_id``, which took over everything it had."""

    name: ClassVar[str] = "contact.merged"
    contact_id: int
    merged_contact_id: int


@dataclass(frozen=True, kw_only=True)
class ContactNoteAdded(Event):
    name: ClassVar[str] = "contact.note_added"
    contact_id: int
    note_id: int


@dataclass(frozen=True, kw_only=True)
class ContactNoteDeleted(Event):
    name: ClassVar[str] = "contact.note_deleted"
    contact_id: int
    note_id: int


@dataclass(frozen=True, kw_only=True)
class CompanyCreated(Event):
    name: ClassVar[str] = "company.created"
    company_id: int


@dataclass(frozen=True, kw_only=True)
class CompanyChanged(Event):
    name: ClassVar[str] = "company.changed"
    company_id: int


@dataclass(frozen=True, kw_only=True)
class CompanyDeleted(Event):
    name: ClassVar[str] = "company.deleted"
    company_id: int
    contact_ids: tuple[int, ...] = field(default_factory=tuple)  # the contacts that belonged to it


@dataclass(frozen=True, kw_only=True)
class ContactGroupChanged(Event):
    """A contact group was created, changed (name, rule, members) or deleted."""

    name: ClassVar[str] = "contact_group.changed"
    group_id: int


@dataclass(frozen=True, kw_only=True)
class ContactImportStarted(Event):
    name: ClassVar[str] = "contact_import.started"
    import_id: int


@dataclass(frozen=True, kw_only=True)
class ChatEvent(TicketEvent):
    """Live chat routing (helpline.routing): ``request_id`` is the ChatRequest's primary key."""

    request_id: int


@dataclass(frozen=True, kw_only=True)
class ChatRinging(ChatEvent):
    name: ClassVar[str] = "chat.ringing"
    agent_user_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class ChatAccepted(ChatEvent):
    name: ClassVar[str] = "chat.accepted"
    agent_user_id: int


@dataclass(frozen=True, kw_only=True)
class ChatMissed(ChatEvent):
    name: ClassVar[str] = "chat.missed"
    agent_user_id: int


@dataclass(frozen=True, kw_only=True)
class ChatDeclined(ChatEvent):
    name: ClassVar[str] = "chat.declined"
    agent_user_id: int


@dataclass(frozen=True, kw_only=True)
class ChatQueued(ChatEvent):
    name: ClassVar[str] = "chat.queued"
    position: int


@dataclass(frozen=True, kw_only=True)
class ChatUnavailable(ChatEvent):
    name: ClassVar[str] = "chat.unavailable"


@dataclass(frozen=True, kw_only=True)
class ChatWithdrawn(ChatEvent):
    name: ClassVar[str] = "chat.withdrawn"


@dataclass(frozen=True, kw_only=True)
class ChatFinished(ChatEvent):
    name: ClassVar[str] = "chat.finished"
    agent_user_id: int | None


@dataclass(frozen=True, kw_only=True)
class ChatInvited(ChatEvent):
    name: ClassVar[str] = "chat.invited"
    agent_user_id: int


@dataclass(frozen=True, kw_only=True)
class AgentPresenceChanged(Event):
    name: ClassVar[str] = "agent.presence_changed"
    user_id: int
    channel: str
    from_state: str
    to_state: str


@dataclass(frozen=True, kw_only=True)
class ChatSessionStarted(TicketEvent):
    """A visitor opened a chat through a chat button (helpline.channels.chat); the ticket is chatting."""

    name: ClassVar[str] = "chat.session_started"
    session_id: int


@dataclass(frozen=True, kw_only=True)
class ChatSessionAccepted(TicketEvent):
    name: ClassVar[str] = "chat.session_accepted"
    session_id: int
    agent_user_id: int


@dataclass(frozen=True, kw_only=True)
class ChatSessionEnded(TicketEvent):
    name: ClassVar[str] = "chat.session_ended"
    session_id: int
    ended_by: str  # "visitor", "agent" or "system"


@dataclass(frozen=True, kw_only=True)
class VisitorPageViewed(Event):
    """The chat widget reported a page view (helpline.channels.chat.monitoring)."""

    name: ClassVar[str] = "visitor.page_viewed"
    visit_id: int
    page_view_id: int


@dataclass(frozen=True, kw_only=True)
class VisitorLeft(Event):
    """The last widget socket of a visit closed: the visitor is no longer on the site."""

    name: ClassVar[str] = "visitor.left"
    visit_id: int


@dataclass(frozen=True, kw_only=True)
class VisitorInvited(Event):
    """An agent invited a visitor to chat from the visitors list."""

    name: ClassVar[str] = "visitor.invited"
    invitation_id: int


@dataclass(frozen=True, kw_only=True)
class CustomFieldDefinitionChanged(Event):
    """A custom field was created, changed, reordered or deleted (``change``: created, updated, reordered,
    deleted; for reordered, ``field_id`` is the first field of the new order)."""

    name: ClassVar[str] = "custom_field.definition_changed"
    field_id: int
    change: str


@dataclass(frozen=True, kw_only=True)
class SavedFilterChanged(Event):
    """An agent's saved ticket filter was created, changed or deleted (``change``: created, updated, deleted)."""

    name: ClassVar[str] = "ticket_filter.changed"
    filter_id: int
    owner_user_id: int
    change: str


@dataclass(frozen=True, kw_only=True)
class EventRuleChanged(Event):
    """An event rule was created, changed, enabled or disabled, reordered or deleted (helpline.automation)."""

    name: ClassVar[str] = "event_rule.changed"
    rule_id: int
    change: str  # created, updated, deleted, reordered


@dataclass(frozen=True, kw_only=True)
class BusinessCalendarChanged(Event):
    """A business calendar's hours, time zone or holidays changed (``change``: created, updated, holidays)."""

    name: ClassVar[str] = "calendar.changed"
    calendar_id: int
    change: str


@dataclass(frozen=True, kw_only=True)
class DepartmentChanged(Event):
    """A department's members, their roles, its hours or its response time changed (``change``: members, hours),
    or the account's defaults for every department (``change``: defaults, ``department_id`` 0)."""

    name: ClassVar[str] = "department.changed"
    department_id: int
    change: str


@dataclass(frozen=True, kw_only=True)
class MembershipChanged(Event):
    """An agent's role changed or the agent was deactivated (``change``: role, deactivated): what they may see
    (conversations.visibility) may have changed."""

    name: ClassVar[str] = "member.changed"
    user_id: int
    change: str


@dataclass(frozen=True, kw_only=True)
class RatingReceived(TicketEvent):
    """A customer rated a ticket (helpline.surveys): ``value`` "good" or "bad", ``source`` "email" (the survey
    link) or "chat". ``changed``: a later submit that changed only the comment of an existing rating."""

    name: ClassVar[str] = "rating.received"
    rating_id: int
    value: str
    source: str = "email"
    changed: bool = False


@dataclass(frozen=True, kw_only=True)
class SlaWarning(TicketEvent):
    """An SLA target of the ticket (``target``: first_response, next_response, resolution) is due soon
    (helpline.sla); fired once per target and cycle by the scheduler's sweep."""

    name: ClassVar[str] = "sla.warning"
    target: str
    level_id: int
    due_at: str  # ISO 8601, UTC


@dataclass(frozen=True, kw_only=True)
class SlaBreached(TicketEvent):
    """An SLA target of the ticket passed its due time unmet (helpline.sla); fired once per target and cycle."""

    name: ClassVar[str] = "sla.breached"
    target: str
    level_id: int
    due_at: str  # ISO 8601, UTC


@dataclass(frozen=True, kw_only=True)
class SoundPreferenceChanged(Event):
    """An agent chose, uploaded or muted one of their notification sounds (``event``: new_ticket, chat_ring, …)."""

    name: ClassVar[str] = "workspace.sound_changed"
    user_id: int
    event: str


ALL_EVENTS: tuple[type[Event], ...] = (
    BusinessCalendarChanged,
    DepartmentChanged,
    MembershipChanged,
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
    TicketSplit,
    TicketMerged,
    BulkJobStarted,
    ContactCreated,
    ContactChanged,
    ContactsMerged,
    ContactNoteAdded,
    ContactNoteDeleted,
    CompanyCreated,
    CompanyChanged,
    CompanyDeleted,
    ContactGroupChanged,
    ContactImportStarted,
    ChatRinging,
    ChatAccepted,
    ChatMissed,
    ChatDeclined,
    ChatQueued,
    ChatUnavailable,
    ChatWithdrawn,
    ChatFinished,
    ChatInvited,
    AgentPresenceChanged,
    ChatSessionStarted,
    ChatSessionAccepted,
    ChatSessionEnded,
    VisitorPageViewed,
    VisitorLeft,
    VisitorInvited,
    CustomFieldDefinitionChanged,
    SavedFilterChanged,
    EventRuleChanged,
    RatingReceived,
    SoundPreferenceChanged,
    SlaWarning,
    SlaBreached,
)
