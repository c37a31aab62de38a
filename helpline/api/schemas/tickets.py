"""Ticket shapes: the contract in DESIGN.md section 6 (fields may be added, never renamed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Email, Input, PublicId, text
from helpline.api.schemas.custom_fields import FIELD_VALUES_DOC, FieldValue, FieldValues
from helpline.conversations.statuses import PRIORITY_NAMES, SETTABLE_STATUSES, Status

StatusName = Literal[tuple(Status.values)]
SettableStatus = Literal[tuple(str(s) for s in SETTABLE_STATUSES)]
PriorityName = Literal[tuple(PRIORITY_NAMES.values())]
TagName = text(64, required=True)


class DepartmentRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class AgentRef(Schema):
    id: str
    name: str
    email: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_name(obj):
        return obj.display_name


class ContactRef(Schema):
    id: str
    name: str
    email: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_email(obj):
        return obj.primary_email


class TicketOut(Schema):
    id: str
    code: str
    subject: str
    status: StatusName
    priority: PriorityName
    channel: str
    department: DepartmentRef | None
    assignee: AgentRef | None
    tags: list[str]
    contact: ContactRef
    message_count: int
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    sla_due_at: datetime | None = Field(
        None, description="When the team owes its next answer: the nearest running SLA target (GET /tickets/{id}/sla)."
    )
    merged_into: str | None = Field(
        None, description="For a merged ticket, the id of the ticket it was merged into (its messages are there)."
    )
    custom_fields: dict[str, FieldValue] = Field(default_factory=dict, description="Custom field values by key.")

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into.public_id if obj.merged_into_id else None

    @staticmethod
    def resolve_priority(obj):
        return PRIORITY_NAMES[obj.priority]

    @staticmethod
    def resolve_tags(obj):
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_custom_fields(obj):
        return {value.field.key: value.value for value in obj.field_values.all()}


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class TicketQuery(Schema):
    status: StatusName | None = Field(None, description="Default: every status except spam and deleted.")
    department: PublicId | None = Field(None, description="A department id.")
    assignee: PublicId | None = Field(None, description="An agent id, or `none` for unassigned tickets.")
    tag: text(64) | None = Field(None, description="A tag name.")
    channel: text(16) | None = None
    priority: PriorityName | None = None
    q: text(200) | None = Field(None, description="Full-text search in subject, messages and contact.")
    brand: PublicId | None = Field(None, description="A brand id.")
    contact: PublicId | None = Field(None, description="A contact id: the tickets of this customer.")
    company: PublicId | None = Field(None, description="A company id: the tickets of its contacts.")
    created_from: date | None = Field(None, description="Created on or after this day (UTC).")
    created_to: date | None = Field(None, description="Created on or before this day (UTC).")
    activity_from: date | None = Field(None, description="Last activity on or after this day (UTC).")
    activity_to: date | None = Field(None, description="Last activity on or before this day (UTC).")
    sla: Literal["overdue", "due_soon", "none"] | None = Field(
        None, description="`overdue`: the SLA due time has passed; `due_soon`: due within an hour; `none`: no SLA."
    )
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class NewContact(Input):
    email: Email
    name: text(200) = ""


class NewMessage(Input):
    body: text(1_000_000, required=True, strip=False)


class TicketIn(Input):
    subject: text(255, required=True)
    contact: NewContact
    message: NewMessage
    department: PublicId | None = None
    priority: PriorityName = "normal"
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    custom_fields: FieldValues = Field(default_factory=dict, max_length=100, description=FIELD_VALUES_DOC)


class TicketPatch(Input):
    """Only the fields present change. ``assignee`` and ``department`` accept null to clear them."""

    status: SettableStatus = None
    priority: PriorityName = None
    assignee: PublicId | None = None
    department: PublicId | None = None
    tags: list[TagName] = Field(None, max_length=50)
    custom_fields: FieldValues = Field(None, max_length=100, description=FIELD_VALUES_DOC)


class TicketSplitIn(Input):
    """``message`` and every later message of the ticket move to a new ticket."""

    message: text(16, required=True) = Field(
        description="The id of the first message to move (not the ticket's first)."
    )
    assignee: PublicId | None = Field(None, description="An agent id; default: unassigned.")
    department: PublicId | None = Field(None, description="A department id; default: the ticket's department.")
    subject: text(255) | None = Field(None, description="Default: the ticket's subject.")
