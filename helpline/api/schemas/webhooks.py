"""Webhook shapes. The signing secret appears only in the answers to create and rotate-secret."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Input, PublicId, text

EventTypeName = text(64, required=True)


class WebhookOut(Schema):
    id: str
    name: str
    kind: Literal["json", "slack"]
    url: str = Field(description="A Slack URL is a secret: only its start is shown.")
    event_types: list[str]
    departments: list[str] = Field(description="Department ids; empty: every department.")
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_url(obj):
        from helpline.webhooks.selectors import display_url

        return display_url(obj)

    @staticmethod
    def resolve_departments(obj):
        return sorted(d.public_id for d in obj.departments.all())

    @staticmethod
    def resolve_enabled(obj):
        return obj.is_active


class WebhookCreated(WebhookOut):
    secret: str | None = Field(
        description="The signing secret (JSON webhooks): shown in this answer only. Null for Slack."
    )

    @staticmethod
    def resolve_secret(obj):
        return obj.secret or None


class WebhookList(Schema):
    items: list[WebhookOut]


class WebhookIn(Input):
    name: text(100, required=True)
    kind: Literal["json", "slack"] = "json"
    url: text(2000, required=True)
    event_types: list[EventTypeName] = Field(min_length=1, max_length=50)
    departments: list[PublicId] = Field(default_factory=list, max_length=200)
    enabled: bool = True


class WebhookPatch(Input):
    """Only the fields present change."""

    name: text(100, required=True) = None
    url: text(2000, required=True) = None
    event_types: list[EventTypeName] = Field(None, min_length=1, max_length=50)
    departments: list[PublicId] = Field(None, max_length=200)
    enabled: bool = None


class SecretOut(Schema):
    secret: str


class DeliveryOut(Schema):
    id: str
    event_id: str = Field(description="The payload's id: the same for every attempt of one event.")
    event_type: str
    attempt: int
    status: Literal["pending", "succeeded", "failed", "refused"]
    status_code: int | None
    error: str
    duration_ms: int | None
    created_at: datetime
    attempted_at: datetime | None
    due_at: datetime
    payload: dict

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryQuery(Schema):
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)
