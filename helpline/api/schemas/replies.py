"""Canned messages and predefined answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, PublicId, text
from helpline.api.schemas.tickets import AgentRef, DepartmentRef, SettableStatus, TagName
from helpline.replies.models import Scope

ScopeName = Literal[tuple(Scope.values)]


class ReplyQuery(Schema):
    scope: ScopeName | None = Field(None, description="Only items of this scope.")
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class CannedMessageOut(Schema):
    id: str
    name: str
    shortcut: str
    body: str
    scope: str
    department: DepartmentRef | None
    owner: AgentRef | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class CannedMessagePage(Schema):
    items: list[CannedMessageOut]
    next_cursor: str | None


class CannedMessageIn(Input):
    name: text(100, required=True)
    body: text(20_000, required=True)
    shortcut: text(33) = ""
    scope: ScopeName = "shared"
    department: PublicId | None = Field(None, description="The department of a `department` item.")
    owner: PublicId | None = Field(None, description="The agent whose `personal` item it is.")


class CannedMessagePatch(Input):
    name: text(100, required=True) = None
    body: text(20_000, required=True) = None
    shortcut: text(33) = None
    scope: ScopeName = None
    department: PublicId | None = None
    owner: PublicId | None = None


class AnswerFileOut(Schema):
    id: str
    name: str
    content_type: str
    size: int

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class PredefinedAnswerOut(Schema):
    id: str
    name: str
    body: str
    scope: str
    department: DepartmentRef | None
    owner: AgentRef | None
    set_status: str | None = Field(description="The ticket's status after the answer is sent; null: unchanged.")
    add_tags: list[str]
    attachments: list[AnswerFileOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_set_status(obj):
        return obj.set_status or None

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class PredefinedAnswerPage(Schema):
    items: list[PredefinedAnswerOut]
    next_cursor: str | None


class PredefinedAnswerIn(Input):
    name: text(100, required=True)
    body: text(20_000, required=True)
    scope: ScopeName = "shared"
    department: PublicId | None = None
    owner: PublicId | None = None
    set_status: SettableStatus | None = None
    add_tags: list[TagName] = Field(default_factory=list, max_length=20)


class PredefinedAnswerPatch(Input):
    name: text(100, required=True) = None
    body: text(20_000, required=True) = None
    scope: ScopeName = None
    department: PublicId | None = None
    owner: PublicId | None = None
    set_status: SettableStatus | None = None
    add_tags: list[TagName] = Field(None, max_length=20)
