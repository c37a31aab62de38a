"""/canned-messages and /predefined-answers: snippets and whole replies agents insert.

A key acts for the whole account: it sees every scope (personal items of every agent included)."""

from __future__ import annotations

from ninja import Query, Router

from helpline.api.auth import account_of, actor_of
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.replies import (
    CannedMessageIn,
    CannedMessageOut,
    CannedMessagePage,
    CannedMessagePatch,
    PredefinedAnswerIn,
    PredefinedAnswerOut,
    PredefinedAnswerPage,
    PredefinedAnswerPatch,
    ReplyQuery,
)
from helpline.api.selectors import agent_for_field, department_for_field, looks_like_id
from helpline.replies import actions
from helpline.replies import selectors as replies

router = Router(tags=["replies"])


def _page(items: list, limit: int) -> dict:
    shown = items[:limit]
    return {"items": shown, "next_cursor": encode_value(shown[-1].pk) if len(items) > limit else None}


def _scope_fields(account, payload, current=None) -> dict:
    """scope, owner and department from the payload, falling back to the stored item's for fields left out."""
    given = payload.model_fields_set
    scope = payload.scope if "scope" in given and payload.scope else (current.scope if current else "shared")
    owner = current.owner if current else None
    department = current.department if current else None
    if "owner" in given:
        owner = agent_for_field(account, "owner", payload.owner)
    if "department" in given:
        department = department_for_field(account, "department", payload.department)
    return {"scope": scope, "owner": owner, "department": department}


def _merged(payload, current, names: tuple[str, ...]) -> dict:
    given = payload.model_fields_set
    return {name: getattr(payload, name) if name in given else getattr(current, name) for name in names}


# Canned messages --------------------------------------------------------------------------------------------


def _canned(account, public_id: str):
    return replies.access_canned_message(account, public_id if looks_like_id(public_id) else "")


@router.get("/canned-messages", response=responses({200: CannedMessagePage}), summary="List canned messages")
def list_canned_messages(request, params: Query[ReplyQuery]):
    """Oldest first; `scope` keeps one scope."""
    items = replies.list_canned_messages(
        account_of(request), scope=params.scope, after_id=decode_id(params.cursor), limit=params.limit + 1
    )
    return _page(items, params.limit)


@router.post("/canned-messages", response=responses({201: CannedMessageOut}, 402), summary="Create a canned message")
def create_canned_message(request, payload: CannedMessageIn):
    """402 when the plan allows no more; 400 for an unknown placeholder, department or owner."""
    account = account_of(request)
    item = actions.create_canned_message(
        account=account,
        name=payload.name,
        body=payload.body,
        shortcut=payload.shortcut,
        actor=actor_of(request),
        **_scope_fields(account, payload),
    )
    return 201, _canned(account, item.public_id)


@router.get("/canned-messages/{id}", response=responses({200: CannedMessageOut}), summary="Get a canned message")
def get_canned_message(request, id: str):
    return _canned(account_of(request), id)


@router.patch("/canned-messages/{id}", response=responses({200: CannedMessageOut}), summary="Change a canned message")
def update_canned_message(request, id: str, payload: CannedMessagePatch):
    """Fields left out stay as they are."""
    account = account_of(request)
    item = _canned(account, id)
    actions.update_canned_message(
        message=item,
        actor=actor_of(request),
        **_merged(payload, item, ("name", "body", "shortcut")),
        **_scope_fields(account, payload, item),
    )
    return _canned(account, item.public_id)


@router.delete("/canned-messages/{id}", response=responses({204: None}), summary="Delete a canned message")
def delete_canned_message(request, id: str):
    actions.delete_canned_message(message=_canned(account_of(request), id), actor=actor_of(request))
    return 204, None


# Predefined answers -----------------------------------------------------------------------------------------


def _answer(account, public_id: str):
    return replies.access_answer(account, public_id if looks_like_id(public_id) else "")


@router.get("/predefined-answers", response=responses({200: PredefinedAnswerPage}), summary="List predefined answers")
def list_predefined_answers(request, params: Query[ReplyQuery]):
    """Oldest first; `scope` keeps one scope. Files are listed; add them in the settings screen."""
    items = replies.list_answers(
        account_of(request), scope=params.scope, after_id=decode_id(params.cursor), limit=params.limit + 1
    )
    return _page(items, params.limit)


@router.post(
    "/predefined-answers", response=responses({201: PredefinedAnswerOut}, 402), summary="Create a predefined answer"
)
def create_predefined_answer(request, payload: PredefinedAnswerIn):
    account = account_of(request)
    item = actions.create_predefined_answer(
        account=account,
        name=payload.name,
        body=payload.body,
        set_status=payload.set_status or "",
        add_tags=payload.add_tags,
        actor=actor_of(request),
        **_scope_fields(account, payload),
    )
    return 201, _answer(account, item.public_id)


@router.get(
    "/predefined-answers/{id}", response=responses({200: PredefinedAnswerOut}), summary="Get a predefined answer"
)
def get_predefined_answer(request, id: str):
    return _answer(account_of(request), id)


@router.patch(
    "/predefined-answers/{id}", response=responses({200: PredefinedAnswerOut}), summary="Change a predefined answer"
)
def update_predefined_answer(request, id: str, payload: PredefinedAnswerPatch):
    """Fields left out stay as they are; `set_status: null` leaves the status alone when the answer is sent."""
    account = account_of(request)
    item = _answer(account, id)
    fields = _merged(payload, item, ("name", "body", "set_status", "add_tags"))
    actions.update_predefined_answer(
        answer=item,
        actor=actor_of(request),
        name=fields["name"],
        body=fields["body"],
        set_status=fields["set_status"] or "",
        add_tags=fields["add_tags"] or [],
        **_scope_fields(account, payload, item),
    )
    return _answer(account, item.public_id)


@router.delete("/predefined-answers/{id}", response=responses({204: None}), summary="Delete a predefined answer")
def delete_predefined_answer(request, id: str):
    actions.delete_predefined_answer(answer=_answer(account_of(request), id), actor=actor_of(request))
    return 204, None
