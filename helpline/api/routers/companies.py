"""/companies: the organisations contacts belong to."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.errors import FieldError
from helpline.api.schemas.common import responses
from helpline.api.schemas.contacts import CompanyIn, CompanyOut, CompanyPage, CompanyPatch, CompanyQuery
from helpline.api.selectors import looks_like_id
from helpline.core.errors import NotFound
from helpline.people import actions
from helpline.people import selectors as people

router = Router(tags=["companies"])


def _company(account, public_id: str):
    return people.access_company(account, public_id if looks_like_id(public_id) else "")


@router.get("/companies", response=responses({200: CompanyPage}), summary="List companies")
def list_companies(request, params: Query[CompanyQuery]):
    """Alphabetical. The cursor is the id of the last company of the previous page."""
    account = account_of(request)
    after = None
    if params.cursor:
        try:
            after = _company(account, params.cursor)
        except NotFound as exc:
            raise FieldError("cursor", exc.message, location="query") from exc
    page = people.list_companies(account, q=params.q or "", after=after, limit=params.limit + 1)
    items = page[: params.limit]
    return {"items": items, "next_cursor": items[-1].public_id if len(page) > params.limit else None}


@router.post("/companies", response=responses({201: CompanyOut}, 409), summary="Create a company")
def create_company(request, payload: CompanyIn):
    """A second company with the same name (ignoring case) is a 409."""
    company = actions.create_company(
        account=account_of(request), name=payload.name, domain=payload.domain, actor=actor_of(request)
    )
    return 201, company


@router.get("/companies/{id}", response=responses({200: CompanyOut}), summary="Get a company")
def get_company(request, id: str):
    return _company(account_of(request), id)


@router.patch("/companies/{id}", response=responses({200: CompanyOut}, 409), summary="Change a company")
def update_company(request, id: str, payload: CompanyPatch):
    company = _company(account_of(request), id)
    return actions.update_company(company=company, name=payload.name, domain=payload.domain, actor=actor_of(request))


@router.delete("/companies/{id}", response=responses({204: None}), summary="Delete a company")
def delete_company(request, id: str):
    """Its contacts stay, without a company."""
    actions.delete_company(company=_company(account_of(request), id), actor=actor_of(request))
    return 204, None
