"""/tickets: the inbox list, one ticket, opening and changing tickets."""

from __future__ import annotations

from dataclasses import replace

from ninja import Query, Router

from helpline.api import selectors, workflows
from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.pagination import check_ticket_cursor
from helpline.api.schemas.common import responses
from helpline.api.schemas.tickets import TicketIn, TicketOut, TicketPage, TicketPatch, TicketQuery, TicketSplitIn
from helpline.conversations import actions
from helpline.conversations import selectors as conversations
from helpline.conversations.visibility import restricted_user_id

router = Router(tags=["tickets"])


@router.get("/tickets", response=responses({200: TicketPage}), summary="List tickets")
def list_tickets(request, filters: Query[TicketQuery]):
    """Newest activity first. Without `status`, spam and deleted tickets are left out. Filters combine (AND);
    besides the parameters listed, `cf.<key>=<value>` filters by a ticket custom field (text: contains;
    checkbox: true/false; number, date, dropdown: equals)."""
    account = account_of(request)
    cursor = check_ticket_cursor(filters.cursor)
    f = selectors.ticket_filter(account, filters, request.GET)
    if f is None:
        return {"items": [], "next_cursor": None}
    f = replace(f, viewer=restricted_user_id(membership_of(request)))
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
    return selectors.access_ticket(account_of(request), id, membership=membership_of(request))


@router.patch("/tickets/{id}", response=responses({200: TicketOut}), summary="Change a ticket")
def update_ticket(request, id: str, payload: TicketPatch):
    """Any of status, priority, assignee, department and tags; fields left out stay as they are."""
    account = account_of(request)
    ticket = selectors.access_ticket(account, id, membership=membership_of(request))
    workflows.update_ticket(account=account, ticket=ticket, payload=payload, actor=actor_of(request))
    return selectors.access_ticket(account, ticket.public_id)


@router.post("/tickets/{id}/split", response=responses({201: TicketOut}), summary="Split a ticket")
def split_ticket(request, id: str, payload: TicketSplitIn):
    """`message` and every later message (internal notes included) move to a new open ticket with the same
    contact, channel and participants; answers the new ticket. The ticket's first message cannot be the split point.
    Replies to a moved message's email thread into the new ticket."""
    account = account_of(request)
    ticket = selectors.access_ticket(account, id, membership=membership_of(request))
    message = selectors.message_of_ticket_for_field(ticket, "message", payload.message)
    assignee = selectors.agent_for_field(account, "assignee", payload.assignee)
    department = selectors.department_for_field(account, "department", payload.department)
    new = actions.split_ticket(
        ticket=ticket, from_message=message, assignee=assignee, department=department, subject=payload.subject,
        actor=actor_of(request),
    )  # fmt: skip
    return 201, selectors.access_ticket(account, new.public_id)
