"""/saved-filters: the inbox's named filters, personal or shared with the team, and their live counts.

A saved filter always has an owner (an agent; the plan's "ticket filters per agent" counts per owner). An API key
acts for the agent who created it: it sees and changes that agent's personal filters and the team's shared ones.
A key made by no agent (``helpline apikey create``) manages shared filters alone. See docs/api.md."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.errors import FieldError
from helpline.api.pagination import decode_id, encode_value
from helpline.api.schemas.common import responses
from helpline.api.schemas.saved_filters import (
    SavedFilterCount,
    SavedFilterIn,
    SavedFilterOut,
    SavedFilterPage,
    SavedFilterPatch,
    SavedFilterQuery,
)
from helpline.api.selectors import agent_for_field, looks_like_id
from helpline.conversations.visibility import restricted_user_id
from helpline.core.errors import DomainError, NotFound, PermissionDenied
from helpline.filters import actions
from helpline.filters import selectors as filters
from helpline.filters.params import FIELD_PREFIX, FILTER_KEYS, FilterError

router = Router(tags=["saved filters"])


def _key_agent(request):
    """The agent the key acts for: its creator while still an active member of the account, else None."""
    membership = membership_of(request)
    return membership.user if membership is not None else None


def _filter(request, public_id: str):
    saved = None
    if looks_like_id(public_id):
        saved = filters.get_filter_for(account_of(request), _key_agent(request), public_id)
    if saved is None:
        raise NotFound(_("No such saved filter."))
    return saved


def _checked_query(query: dict[str, str]) -> dict[str, str]:
    for key in query:
        if key not in FILTER_KEYS and not (key.startswith(FIELD_PREFIX) and len(key) > len(FIELD_PREFIX)):
            raise FieldError(
                f"query.{key}",
                _("Unknown filter %(key)s: use the parameters of GET /tickets or cf.<field key>.") % {"key": key},
            )
    return query


def _write(call, **kwargs):
    """Run a filters action, naming the query field a refused filter value came from."""
    try:
        return call(**kwargs)
    except FilterError as exc:
        raise FieldError(f"query.{exc.field}", exc.message) from exc
    except DomainError as exc:
        if type(exc) is DomainError:  # the schema checked the name: a filter with no value in use
            raise FieldError("query", exc.message) from exc
        raise


def _owner(request, payload: SavedFilterIn):
    agent = _key_agent(request)
    if payload.owner is not None:
        owner = agent_for_field(account_of(request), "owner", payload.owner)
        if not payload.shared and (agent is None or owner.pk != agent.pk):
            raise PermissionDenied(
                _("A personal filter belongs to the agent who created the API key; another agent may own a shared one.")
            )
        return owner
    if agent is None:
        if payload.shared:
            raise FieldError("owner", _("This API key was created by no agent: name the agent who owns the filter."))
        raise PermissionDenied(
            _("Personal filters need a key created by an agent (Settings → API keys); this key manages shared ones.")
        )
    return agent


@router.get("/saved-filters", response=responses({200: SavedFilterPage}), summary="List saved filters")
def list_saved_filters(request, params: Query[SavedFilterQuery]):
    """Oldest first: the shared filters of the team and the personal ones of the agent who created the key."""
    items = filters.list_filters_page(
        account_of(request), _key_agent(request), scope=params.scope, after_id=decode_id(params.cursor),
        limit=params.limit + 1,
    )  # fmt: skip
    shown = items[: params.limit]
    return {"items": shown, "next_cursor": encode_value(shown[-1].pk) if len(items) > params.limit else None}


@router.post("/saved-filters", response=responses({201: SavedFilterOut}, 402, 403, 409), summary="Save a filter")
def create_saved_filter(request, payload: SavedFilterIn):
    """402 when the owner has the plan's number of filters already; 409 when the owner has one of that name."""
    saved = _write(
        actions.save_filter,
        account=account_of(request),
        owner=_owner(request, payload),
        name=payload.name,
        values=_checked_query(payload.query),
        shared=payload.shared,
        actor=actor_of(request),
    )
    return 201, saved


@router.get("/saved-filters/{id}", response=responses({200: SavedFilterOut}), summary="Get a saved filter")
def get_saved_filter(request, id: str):
    return _filter(request, id)


@router.get(
    "/saved-filters/{id}/count", response=responses({200: SavedFilterCount}), summary="Count a saved filter's tickets"
)
def count_saved_filter(request, id: str):
    """Live and bounded, as the inbox sidebar shows it; only tickets the key may see count."""
    saved = _filter(request, id)
    membership = membership_of(request)
    count, capped, broken = filters.count_filter(
        account_of(request), saved, user=_key_agent(request), viewer=restricted_user_id(membership)
    )
    return {"count": count, "capped": capped, "broken": broken}


@router.patch(
    "/saved-filters/{id}", response=responses({200: SavedFilterOut}, 403, 409), summary="Change a saved filter"
)
def update_saved_filter(request, id: str, payload: SavedFilterPatch):
    """Fields left out stay as they are. Only the owner's key makes a shared filter personal again."""
    saved = _filter(request, id)
    agent = _key_agent(request)
    if payload.shared is False and saved.shared and (agent is None or agent.pk != saved.owner_id):
        raise PermissionDenied(_("Only the agent who owns a shared filter can make it personal again."))
    return _write(
        actions.update_filter,
        saved=saved,
        name=payload.name,
        shared=payload.shared,
        values=_checked_query(payload.query) if payload.query is not None else None,
        actor=actor_of(request),
    )


@router.delete("/saved-filters/{id}", response=responses({204: None}), summary="Delete a saved filter")
def delete_saved_filter(request, id: str):
    actions.delete_filter(saved=_filter(request, id), actor=actor_of(request))
    return 204, None
