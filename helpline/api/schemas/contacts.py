"""Contact shapes."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, model_validator

from helpline.api.schemas.common import Email, Input, text


class CompanyRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class ContactOut(Schema):
    id: str
    name: str
    email: str
    company: CompanyRef | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_email(obj):
        return obj.primary_email


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactQuery(Schema):
    q: text(200) | None = Field(None, description="Search names, email addresses and companies.")
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class ContactIn(Input):
    name: text(200) = ""
    email: Email | None = None

    @model_validator(mode="after")
    def _something(self):
        if not self.name and not self.email:
            raise ValueError(_("Give a name or an email address."))
        return self


class ContactPatch(Input):
    name: text(200)
