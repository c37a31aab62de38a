"""Message shapes: a ticket's thread, oldest first."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, text


class Author(Schema):
    type: Literal["agent", "contact"]
    id: str
    name: str


class AttachmentOut(Schema):
    id: str
    name: str
    content_type: str
    size: int

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class MessageOut(Schema):
    id: str
    kind: str
    direction: str
    body_text: str
    body_html: str
    author: Author | None
    attachments: list[AttachmentOut]
    delivery_status: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_author(obj):
        if obj.author_user_id:
            user = obj.author_user
            return {"type": "agent", "id": user.public_id, "name": user.display_name}
        if obj.author_contact_id:
            contact = obj.author_contact
            return {"type": "contact", "id": contact.public_id, "name": contact.display_name}
        return None

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class MessageQuery(Schema):
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(100, ge=1, le=200)


class MessageIn(Input):
    kind: Literal["reply", "note"]
    body: text(1_000_000, required=True, strip=False)
