"""/internal-tickets: tickets between colleagues, with no customer; nothing is ever sent."""

from __future__ import annotations

from django.db import transaction
from ninja import Field, Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of
from helpline.api.schemas.common import Input, PublicId, responses, text
from helpline.api.schemas.tickets import NewMessage, PriorityName, TicketOut
from helpline.conversations.actions.internal import open_internal_ticket
from helpline.conversations.statuses import PRIORITY_BY_NAME

router = Router(tags=["tickets"])


class InternalTicketIn(Input):
    subject: text(255, required=True)
    author: PublicId = Field(description="The agent who opens the ticket (its requester).")
    message: NewMessage
    assignee: PublicId | None = Field(None, description="The agent the ticket is for.")
    department: PublicId | None = Field(None, description="The department the ticket is for.")
    priority: PriorityName = "normal"


@router.post("/internal-tickets", response=responses({201: TicketOut}), summary="Open an internal ticket")
def create_internal_ticket(request, payload: InternalTicketIn):
    """Agent to agent and/or department: channel `internal`, the first message an internal note, no email ever."""
    account = account_of(request)
    author = selectors.agent_for_field(account, "author", payload.author)
    assignee = selectors.agent_for_field(account, "assignee", payload.assignee)
    department = selectors.department_for_field(account, "department", payload.department)
    with transaction.atomic():
        ticket = open_internal_ticket(
            account=account, author=author, subject=payload.subject, text=payload.message.body, assignee=assignee,
            department=department, priority=PRIORITY_BY_NAME[payload.priority], actor=actor_of(request),
        )  # fmt: skip
    return 201, selectors.access_ticket(account, ticket.public_id)
