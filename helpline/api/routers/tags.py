"""/tags: the account's ticket labels."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of
from helpline.api.pagination import decode_text, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.directory import TagIn, TagOut, TagPage, TagQuery
from helpline.conversations import actions as conversation_actions

router = Router(tags=["tags"])


@router.get("/tags", response=responses({200: TagPage}), summary="List tags")
def list_tags(request, params: Query[TagQuery]):
    """By name."""
    after = decode_text(params.cursor)
    page = selectors.list_tags(account_of(request), after_name=after, limit=params.limit + 1)
    items = page[: params.limit]
    next_cursor = encode_value(items[-1].name) if len(page) > params.limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.post("/tags", response=responses({201: TagOut}, 409), summary="Create a tag")
def create_tag(request, payload: TagIn):
    """409 when a tag with that name (ignoring case) exists. Tags named on a ticket are created on the fly too."""
    return 201, conversation_actions.create_tag(
        account=account_of(request), name=payload.name, colour=payload.colour, actor=actor_of(request)
    )
