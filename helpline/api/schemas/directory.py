"""Departments, agents and tags: the account's directory."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from helpline.api.schemas.common import Input, text


class AutoAssignment(Schema):
    mode: str = Field(..., description="inherit (the account's default), off, round_robin or least_loaded.")
    max_open_tickets: int | None = Field(None, description="Open tickets per agent at most; null: no cap.")


class DepartmentOut(Schema):
    id: str
    name: str
    description: str
    created_at: datetime
    auto_assignment: AutoAssignment  # helpline.assignment; change it with PUT /departments/{id}/auto-assignment

    @staticmethod
    def resolve_id(obj):
        return obj.public_id

    @staticmethod
    def resolve_auto_assignment(obj):
        from helpline.assignment.selectors import department_assignment

        return department_assignment(obj)


class DepartmentList(Schema):
    items: list[DepartmentOut]


class DepartmentIn(Input):
    name: text(100, required=True)
    description: text(2000) = ""


class AgentOut(Schema):
    """An active member of the account; ``role`` is owner, admin, agent or custom."""

    id: str
    name: str
    email: str
    role: str

    @staticmethod
    def resolve_id(obj):
        return obj.user.public_id

    @staticmethod
    def resolve_name(obj):
        return obj.user.display_name

    @staticmethod
    def resolve_email(obj):
        return obj.user.email


class AgentList(Schema):
    items: list[AgentOut]


class TagOut(Schema):
    id: str
    name: str
    colour: str

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None


class TagQuery(Schema):
    cursor: text(200) | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(100, ge=1, le=200)


Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class TagIn(Input):
    name: text(64, required=True)
    colour: Colour = "#64748b"
