"""Automatic assignment over the API: each department's mode (also a field of every department) and the account's
default (registered in helpline.api.app)."""

from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from helpline.api import selectors as api_selectors
from helpline.api.auth import account_of, actor_of
from helpline.api.schemas.common import Input, responses
from helpline.assignment import actions, selectors

router = Router(tags=["automatic assignment"])


class AutoAssignmentOut(Schema):
    mode: str = Field(..., description="inherit (departments only), off, round_robin or least_loaded.")
    max_open_tickets: int | None = Field(None, description="Open tickets per agent at most; null: no cap.")


class DepartmentAssignmentIn(Input):
    mode: Literal["inherit", "off", "round_robin", "least_loaded"]
    max_open_tickets: int | None = Field(None, ge=1, le=10_000)


class DefaultAssignmentIn(Input):
    mode: Literal["off", "round_robin", "least_loaded"]
    max_open_tickets: int | None = Field(None, ge=1, le=10_000)


@router.get("/auto-assignment", response=responses({200: AutoAssignmentOut}), summary="Get the default assignment")
def get_default_assignment(request):
    """The account's default, for tickets without a department and departments that inherit it."""
    row = selectors.account_default(account_of(request))
    return {"mode": row.mode, "max_open_tickets": row.max_open}


@router.put("/auto-assignment", response=responses({200: AutoAssignmentOut}), summary="Set the default assignment")
def set_default_assignment(request, payload: DefaultAssignmentIn):
    row = actions.set_assignment(
        account=account_of(request), mode=payload.mode, max_open=payload.max_open_tickets, actor=actor_of(request)
    )
    return {"mode": row.mode, "max_open_tickets": row.max_open}


@router.put(
    "/departments/{id}/auto-assignment",
    response=responses({200: AutoAssignmentOut}),
    summary="Set a department's assignment",
)
def set_department_assignment(request, id: str, payload: DepartmentAssignmentIn):
    """Round robin or least loaded among the department's available agents; inherit follows the default."""
    account = account_of(request)
    department = api_selectors.access_department(account, id)
    row = actions.set_assignment(
        account=account,
        department=department,
        mode=payload.mode,
        max_open=payload.max_open_tickets,
        actor=actor_of(request),
    )
    return {"mode": row.mode, "max_open_tickets": row.max_open}
