"""/departments: how the account's team is organised."""

from __future__ import annotations

from ninja import Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of
from helpline.api.schemas.common import responses
from helpline.api.schemas.directory import DepartmentIn, DepartmentList, DepartmentOut
from helpline.assignment.selectors import with_assignment
from helpline.tenancy import actions
from helpline.tenancy import selectors as tenancy

router = Router(tags=["departments"])


@router.get("/departments", response=responses({200: DepartmentList}), summary="List departments")
def list_departments(request):
    """By name. The number of departments is bounded by the plan, so the list is not paginated."""
    return {"items": with_assignment(tenancy.list_departments(account_of(request)))}


@router.post("/departments", response=responses({201: DepartmentOut}, 402, 409), summary="Create a department")
def create_department(request, payload: DepartmentIn):
    """402 when the plan allows no more departments, 409 when the name is taken."""
    department = actions.create_department(
        account=account_of(request), name=payload.name, description=payload.description, actor=actor_of(request)
    )
    return 201, department


@router.get("/departments/{id}", response=responses({200: DepartmentOut}), summary="Get a department")
def get_department(request, id: str):
    return selectors.access_department(account_of(request), id)
