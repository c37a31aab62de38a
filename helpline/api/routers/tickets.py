"""/tickets: the inbox list, one ticket, opening and changing tickets."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api import selectors, workflows
from helpline.api.auth import account_of, actor_of
from helpline.api.pagination import check_ticket_cursor
from helpline.api.schemas.common import responses
from helpline.api.schemas.tickets import TicketIn, TicketOut, TicketPage, TicketPatch, TicketQuery
from helpline.conversations import selectors as conversations

router = Router(tags=["tickets"])


@router.get("/tickets", response=responses({200: TicketPage}), summary="List tickets")
def list_tickets(request, filters: Query[TicketQuery]):
    """Newest activity first. Without `status`, spam and deleted tickets are left out."""
    account = account_of(request)
    cursor = check_ticket_cursor(filters.cursor)
    f = selectors.ticket_filter(account, filters)
    if f is None:
        return {"items": [], "next_cursor": None}
    items, next_cursor = conversations.list_tickets(account, f, cursor=cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/tickets", response=responses({201: TicketOut}), summary="Open a ticket")
def create_ticket(request, payload: TicketIn):
    """Finds or creates the contact by email, opens the ticket on the `api` channel and stores the first message."""
    account = account_of(request)
    ticket = workflows.open_ticket(account=account, payload=payload, actor=actor_of(request))
    return 201, selectors.access_ticket(account, ticket.public_id)


@router.get("/tickets/{id}", response=responses({200: TicketOut}), summary="Get a ticket")
def get_ticket(request, id: str):
    return selectors.access_ticket(account_of(request), id)


@router.patch("/tickets/{id}", response=responses({200: TicketOut}), summary="Change a ticket")
def update_ticket(request, id: str, payload: TicketPatch):
    """Any of status, priority, assignee, department and tags; fields left out stay as they are."""
    account = account_of(request)
    ticket = selectors.access_ticket(account, id)
    workflows.update_ticket(account=account, ticket=ticket, payload=payload, actor=actor_of(request))
    return selectors.access_ticket(account, ticket.public_id)
