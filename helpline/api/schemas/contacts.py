"""Contact shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, model_validator

from helpline.api.schemas.common import Email, Input, PublicId, text
from helpline.api.schemas.custom_fields import FIELD_VALUES_DOC, FieldValue, FieldValues


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
    custom_fields: dict[str, FieldValue] = Field(default_factory=dict, description="Custom field values by key.")

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_custom_fields(obj):
        return {value.field.key: value.value for value in obj.field_values.all()}

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
    """Only the fields sent change. ``company`` is a company id, or null for none."""

    name: text(200) | None = None
    email: Email | None = Field(None, description="The primary address; a new one is added to the contact's.")
    company: PublicId | None = None
    custom_fields: FieldValues = Field(None, max_length=100, description=FIELD_VALUES_DOC)


class ContactFilterQuery(ContactQuery):
    company: PublicId | None = Field(None, description="Only the contacts of this company (its id).")
    group: PublicId | None = Field(None, description="Only the members of this contact group (its id).")


class ContactMergeIn(Input):
    duplicate: PublicId = Field(description="The id of the contact merged into this one; it is deleted.")


class NoteAuthor(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_name(obj):
        return obj.display_name


class ContactNoteOut(Schema):
    id: str
    body: str
    author: NoteAuthor | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class ContactNotePage(Schema):
    items: list[ContactNoteOut]


class ContactNoteIn(Input):
    body: text(10_000, required=True)


class CompanyOut(Schema):
    id: str
    name: str
    domain: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None


class CompanyQuery(Schema):
    q: text(200) | None = Field(None, description="Search names and domains.")
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class CompanyIn(Input):
    name: text(200, required=True)
    domain: text(253) = ""


class CompanyPatch(Input):
    name: text(200, required=True) | None = None
    domain: text(253) | None = None


class RuleCondition(Input):
    field: text(80, required=True) = Field(
        description="name, email, email_domain, phone, company, or field:<key> for a contact custom field."
    )
    op: Literal["is", "is_not", "contains"] = "is"
    value: text(200, required=True)


class Rule(Input):
    match: Literal["all", "any"] = "all"
    conditions: list[RuleCondition] = Field(default_factory=list, max_length=20)


class ContactGroupOut(Schema):
    id: str
    name: str
    description: str
    rule: dict

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class ContactGroupPage(Schema):
    items: list[ContactGroupOut]


class ContactGroupIn(Input):
    name: text(100, required=True)
    description: text(255) = ""
    rule: Rule | None = None


class ContactGroupPatch(Input):
    name: text(100, required=True) | None = None
    description: text(255) | None = None
    rule: Rule | None = None


class GroupMembersIn(Input):
    add: list[PublicId] = Field(default_factory=list, max_length=500, description="Contact ids to add by hand.")
    remove: list[PublicId] = Field(default_factory=list, max_length=500, description="Contact ids to take out.")
