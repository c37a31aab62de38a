"""/tickets/{id}/messages: a ticket's thread; replies and internal notes."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.messages import MessageIn, MessageOut, MessagePage, MessageQuery
from helpline.conversations import actions

router = Router(tags=["messages"])


@router.get("/tickets/{id}/messages", response=responses({200: MessagePage}), summary="List a ticket's messages")
def list_ticket_messages(request, id: str, params: Query[MessageQuery]):
    """Oldest first, internal notes included."""
    ticket = selectors.access_ticket(account_of(request), id, membership=membership_of(request))
    after = decode_id(params.cursor)
    page = selectors.list_messages(ticket, after_id=after, limit=params.limit + 1)
    items = page[: params.limit]
    next_cursor = encode_value(items[-1].pk) if len(page) > params.limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.post("/tickets/{id}/messages", response=responses({201: MessageOut}), summary="Reply to a ticket or add a note")
def create_ticket_message(request, id: str, payload: MessageIn):
    """A `reply` is queued and sent through the ticket's channel; a `note` is internal and never sent."""
    ticket = selectors.access_ticket(account_of(request), id, membership=membership_of(request))
    write = actions.send_reply if payload.kind == "reply" else actions.add_note
    message = write(ticket=ticket, author=None, text=payload.body, actor=actor_of(request))
    return 201, selectors.message_detail(message)
