"""/agents: the account's active members."""

from __future__ import annotations

from ninja import Router

from helpline.api import selectors
from helpline.api.auth import account_of
from helpline.api.schemas.common import responses
from helpline.api.schemas.directory import AgentList, AgentOut

router = Router(tags=["agents"])


@router.get("/agents", response=responses({200: AgentList}), summary="List agents")
def list_agents(request):
    """Active members of the account, by name. Their ids are what `assignee` takes."""
    return {"items": selectors.list_members(account_of(request))}


@router.get("/agents/{id}", response=responses({200: AgentOut}), summary="Get an agent")
def get_agent(request, id: str):
    return selectors.access_member(account_of(request), id)
