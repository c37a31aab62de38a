"""Merging tickets, and bulk actions over a selection or a filter result run as a job with progress."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _
from ninja import Router

from helpline.api import selectors
from helpline.api.auth import account_of, actor_of, membership_of
from helpline.api.errors import FieldError
from helpline.api.schemas.bulk import BulkIn, BulkJobOut, TicketMergeIn
from helpline.api.schemas.common import responses
from helpline.api.schemas.tickets import TicketOut
from helpline.bulk.actions import start_bulk_job
from helpline.bulk.operations import InvalidParam
from helpline.bulk.selectors import access_job
from helpline.conversations import actions
from helpline.conversations.visibility import restricted_user_id
from helpline.core.errors import NotFound

router = Router(tags=["bulk"])


@router.post("/tickets/bulk", response=responses({202: BulkJobOut}), summary="Start a bulk action")
def start_bulk(request, payload: BulkIn):
    """Queues `action` over the listed `tickets` or over every ticket matching `filter` (the selection is fixed now)
    and answers the job at once; poll `GET /bulk-jobs/{id}` for progress. Each ticket changes through the same
    action as a single change, so its history records it. Tickets that do not exist, that the key may not see, or
    that the action cannot change (a live chat, a merged ticket) are reported in the job's `failures`; the others
    are done. `merge` merges the selection into `into` or the oldest selected ticket."""
    account = account_of(request)
    if (payload.tickets is None) == (payload.filter is None):
        raise FieldError("tickets", _("Give either tickets or filter."))
    ticket_filter = None
    if payload.filter is not None:
        ticket_filter = selectors.ticket_filter(account, payload.filter)
        if ticket_filter is None:  # it names a tag that does not exist
            raise FieldError("filter", _("No ticket matches this filter."))
        ticket_filter = replace(ticket_filter, viewer=restricted_user_id(membership_of(request)))
    params = payload.dict(include={"assignee", "department", "tags", "priority", "into"}, exclude_none=True)
    try:
        job = start_bulk_job(
            account=account, action=payload.action, params=params, ticket_ids=payload.tickets,
            ticket_filter=ticket_filter, actor=actor_of(request),
        )  # fmt: skip
    except InvalidParam as exc:
        raise FieldError(exc.field, exc.message) from exc
    return 202, access_job(account, job.public_id)


@router.get("/bulk-jobs/{id}", response=responses({200: BulkJobOut}), summary="Get a bulk job's progress")
def get_bulk_job(request, id: str):
    return access_job(account_of(request), id)


@router.post("/tickets/{id}/merge", response=responses({200: TicketOut}, 409), summary="Merge tickets into this one")
def merge_tickets(request, id: str, payload: TicketMergeIn):
    """Every message of `tickets` moves into this ticket (shown in time order); their contacts become participants
    and their tags are added. Each merged ticket is resolved and its `merged_into` names this ticket; replies to its
    email threads land here. A live chat or call, or a ticket merged before, is a 409."""
    account = account_of(request)
    membership = membership_of(request)
    target = selectors.access_ticket(account, id, membership=membership)
    sources = []
    for public_id in dict.fromkeys(payload.tickets):
        try:
            sources.append(selectors.access_ticket(account, public_id, membership=membership))
        except NotFound as exc:
            raise FieldError("tickets", _("No ticket with id %(id)s in this account.") % {"id": public_id}) from exc
    actions.merge_tickets(target=target, sources=sources, actor=actor_of(request))
    return selectors.access_ticket(account, target.public_id)
