"""Bulk actions from the inbox: start a job over the selected tickets (or every ticket under the filter) and
show its progress until it has finished."""

from __future__ import annotations

import json
from dataclasses import replace

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from helpline.bulk.actions import start_bulk_job
from helpline.bulk.models import BulkJob
from helpline.bulk.operations import OPERATIONS
from helpline.bulk.selectors import access_job
from helpline.conversations.models import Ticket
from helpline.conversations.visibility import restricted_user_id
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.inbox_filters import filter_choices, parse_inbox_query

FAILURES_SHOWN = 20
FILTER = "filter"


def _params(post) -> dict:
    return {key: post.get(key, "") for key in ("assignee", "department", "tags", "priority", "into") if key in post}


def _survivor(job: BulkJob) -> Ticket | None:
    """The ticket a finished merge job merged into."""
    merged = (
        Ticket.objects.filter(account_id=job.account_id, public_id__in=job.ticket_ids, merged_into__isnull=False)
        .select_related("merged_into")
        .first()
    )
    return merged.merged_into if merged else None


def _render(request, job: BulkJob | None = None, *, error: str = "", status: int = 200):
    context = {"job": job, "error": error}
    if job is not None:
        context.update(
            label=OPERATIONS[job.action].label,
            failures=job.failures[:FAILURES_SHOWN],
            more_failures=job.failed - len(job.failures[:FAILURES_SHOWN]),
            survivor=_survivor(job) if job.finished and job.action == "merge" else None,
        )
    response = render(request, "agent/_bulk_job.html", context, status=status)
    if job is not None and job.finished:
        done = {"job": job.public_id, "done": job.done, "failed": job.failed}
        response["HX-Trigger"] = json.dumps({"helpline:bulk-finished": done})
    return response


@require_POST
@workspace_view(permissions.WORK_TICKETS)
def start(request):
    account = request.membership.account
    actor = Actor(user=request.user)
    action, params = request.POST.get("action", "").strip(), _params(request.POST)
    try:
        if request.POST.get("scope") == FILTER:
            query = parse_inbox_query(
                QueryDict(request.POST.get("filter_query", "")),
                account=account,
                user=request.user,
                choices=filter_choices(account),
            )
            ticket_filter = replace(query.filter, viewer=restricted_user_id(request.membership))
            job = start_bulk_job(
                account=account, action=action, params=params, ticket_filter=ticket_filter, actor=actor
            )
        else:
            ids = request.POST.getlist("tickets")
            job = start_bulk_job(account=account, action=action, params=params, ticket_ids=ids, actor=actor)
    except DomainError as exc:
        return _render(request, error=exc.message, status=422)
    job.refresh_from_db()  # the embedded queue may have worked through a small job already
    return _render(request, job)


@require_GET
@workspace_view(permissions.WORK_TICKETS)
def job(request, public_id):
    try:
        found = access_job(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _render(request, found)


__all__ = ["job", "start"]
