"""Start a bulk job, and work through it: one transaction per chunk of tickets, progress committed with it."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.bulk import operations
from helpline.bulk.actions.statuses import change_statuses, lock_tickets
from helpline.bulk.models import BulkJob
from helpline.conversations.actions import merge_tickets
from helpline.conversations.actions.merge import MAX_MERGED, refuse_merge_reason
from helpline.conversations.models import Ticket
from helpline.conversations.selectors import TicketFilter, forget_ticket_counts, list_ticket_public_ids
from helpline.conversations.visibility import restricted_user_id, visible_q
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.events.bus import MAX_SCAN
from helpline.events.decisions import once_per_batch
from helpline.realtime.subscribers import one_push_per_batch
from helpline.security import audit

log = logging.getLogger(__name__)

MAX_TICKETS = 50_000  # one job; a bigger filter result is refused with a request to narrow it
MAX_IDS = 16  # a public id's length
CHUNK = MAX_SCAN // 2  # tickets per transaction: few enough that the event bus still coalesces their events
MAX_FAILURES_KEPT = 1000


def _selection(account, *, ticket_ids: list[str] | None, ticket_filter: TicketFilter | None, action: str) -> list[str]:
    if ticket_ids is not None:
        ids = list(dict.fromkeys(str(i)[:MAX_IDS] for i in ticket_ids if i))  # once each, in the order given
    elif ticket_filter is not None:
        ids = list_ticket_public_ids(account, ticket_filter, limit=MAX_TICKETS + 1)
    else:
        ids = []
    if not ids:
        raise DomainError(_("Choose at least one ticket."))
    limit = MAX_MERGED + 1 if action == "merge" else MAX_TICKETS
    if len(ids) > limit:
        raise DomainError(
            _("A bulk action takes at most %(n)d tickets; narrow the selection.") % {"n": limit}, code="too_many"
        )
    return ids


@transaction.atomic
def start_bulk_job(
    *,
    account,
    action: str,
    params: dict | None = None,
    ticket_ids: list[str] | None = None,
    ticket_filter: TicketFilter | None = None,
    actor: Actor = SYSTEM,
) -> BulkJob:
    """Check the action and its arguments, fix the selection (explicit ids, or every ticket under a filter) and
    queue the job. Tickets that do not exist (or belong to another account) are reported as failed by the run."""
    params = dict(params or {})
    operations.prepare(account, action, params)
    ids = _selection(account, ticket_ids=ticket_ids, ticket_filter=ticket_filter, action=action)
    if action == "merge" and len(ids) < 2 and not params.get("into"):
        raise DomainError(_("Choose at least two tickets to merge."))
    job = BulkJob.objects.create(
        account=account,
        action=action,
        params={k: v for k, v in params.items() if k in ("assignee", "department", "tags", "priority", "into")},
        ticket_ids=ids,
        total=len(ids),
        created_by=actor.user,
        api_key=actor.api_key,
    )
    audit.record(
        account=account,
        actor=actor,
        action=ev.BulkJobStarted.name,
        subject=job,
        data={"action": action, "params": job.params, "total": job.total},
    )
    publish_on_commit(ev.BulkJobStarted(account_id=account.pk, actor_user_id=actor.user_id, job_id=job.pk))
    return job


class _Progress:
    def __init__(self, job: BulkJob):
        self.done, self.failed, self.failures = job.done, job.failed, list(job.failures)

    def ok(self) -> None:
        self.done += 1

    def fail(self, public_id: str, code: str, reason) -> None:
        self.failed += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append({"ticket": public_id, "code": code, "reason": str(reason)})


class _Scope:
    """Which tickets the job may change: those its agent (or the creator of its API key) may see."""

    def __init__(self, job: BulkJob):
        from helpline.tenancy.models import Membership

        user_id = job.created_by_id or (job.api_key.created_by_id if job.api_key_id else None)
        self.gone = False
        self.viewer = None
        if user_id is not None:
            membership = (
                Membership.objects.filter(account_id=job.account_id, user_id=user_id, is_active=True)
                .select_related("custom_role")
                .first()
            )
            self.gone = membership is None
            self.viewer = restricted_user_id(membership)

    def refuse_reason(self, ticket: Ticket, visible: set[int]) -> str:
        if self.gone:
            return _("The agent who started this job no longer works in this account.")
        if self.viewer is not None and ticket.pk not in visible:
            return _("Ticket #%(code)s is outside the departments you work in.") % {"code": ticket.code}
        return ""


def _tickets(job: BulkJob, ids: list[str], scope: _Scope, *, lock: bool = False) -> tuple[dict[str, Ticket], set[int]]:
    """The chunk's tickets by public id (locked, for a batched status change), and the ids of those the scope may
    see (one query more when bounded)."""
    tickets = Ticket.objects.filter(account_id=job.account_id, public_id__in=ids)
    found = {t.public_id: t for t in (lock_tickets(job.account_id, ids) if lock else tickets)}
    for ticket in found.values():
        ticket.account = job.account
    visible = set()
    if scope.viewer is not None and found:
        pks = [t.pk for t in found.values()]
        visible = set(tickets.filter(visible_q(job.account_id, scope.viewer), pk__in=pks).values_list("pk", flat=True))
    return found, visible


def _apply_chunk(job: BulkJob, ids: list[str], prepared: dict, actor: Actor, progress: _Progress, scope) -> None:
    status = operations.STATUS_OF.get(job.action)
    found, visible = _tickets(job, ids, scope, lock=status is not None)
    apply = operations.PER_TICKET.get(job.action)
    changing = []
    for public_id in ids:
        ticket = found.get(public_id)
        if ticket is None:
            progress.fail(public_id, "", _("No such ticket: it was deleted, or belongs to another account."))
            continue
        if reason := scope.refuse_reason(ticket, visible) or operations.refuse_reason(job.action, ticket):
            progress.fail(public_id, ticket.code, reason)
            continue
        if status is not None:
            changing.append(ticket)
            progress.ok()
            continue
        try:
            apply(ticket, prepared, actor)  # the action is atomic: a failure rolls back its savepoint alone
        except DomainError as exc:
            progress.fail(public_id, ticket.code, exc.message)
        else:
            progress.ok()
    if changing:  # the chunk's rows in a few statements; each ticket still audited and announced on its own
        change_statuses(tickets=changing, status=status, actor=actor)


def _merge(job: BulkJob, ids: list[str], prepared: dict, actor: Actor, progress: _Progress, scope) -> None:
    """One merge: into the chosen ticket, or the oldest of the selection. Tickets that cannot take part are
    reported and the others merged."""
    found, visible = _tickets(job, ids, scope)
    usable = []
    for public_id in ids:
        ticket = found.get(public_id)
        if ticket is None:
            progress.fail(public_id, "", _("No such ticket: it was deleted, or belongs to another account."))
        elif reason := scope.refuse_reason(ticket, visible) or refuse_merge_reason(ticket):
            progress.fail(public_id, ticket.code, reason)
        else:
            usable.append(ticket)
    target = prepared["into"] or (min(usable, key=lambda t: (t.created_at, t.pk)) if usable else None)
    if target is not None and prepared["into"] is not None:
        target.account = job.account
        _found, target_visible = _tickets(job, [target.public_id], scope)
        reason = scope.refuse_reason(target, target_visible) or refuse_merge_reason(target)
    else:
        reason = refuse_merge_reason(target) if target is not None else ""
    if reason:
        for ticket in usable:
            progress.fail(ticket.public_id, ticket.code, reason)
        return
    sources = [t for t in usable if t.pk != target.pk] if target is not None else []
    if not sources:
        for ticket in usable:
            progress.fail(ticket.public_id, ticket.code, _("Nothing left to merge it with."))
        return
    target.account = job.account
    try:
        merge_tickets(target=target, sources=sources, actor=actor)
    except DomainError as exc:
        for ticket in usable:
            progress.fail(ticket.public_id, ticket.code, exc.message)
        return
    for _ticket in usable:
        progress.ok()


def _finish(job: BulkJob, progress: _Progress | None = None) -> BulkJob:
    fields = {"state": BulkJob.FINISHED, "finished_at": clock.now(), "position": job.total}
    if progress is not None:
        fields.update(done=progress.done, failed=progress.failed, failures=progress.failures)
    BulkJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    log.info("bulk job %s finished: %d done, %d failed", job.public_id, job.done, job.failed)
    return job


def run_bulk_job(*, job_id: int) -> BulkJob | None:
    """Work through the job. Safe to run twice: it resumes after the last committed chunk."""
    job = BulkJob.objects.select_related("account", "created_by", "api_key").filter(pk=job_id).first()
    if job is None or job.finished:
        return job
    BulkJob.objects.filter(pk=job.pk, state=BulkJob.QUEUED).update(state=BulkJob.RUNNING, started_at=clock.now())
    actor = Actor(user=job.created_by, api_key=job.api_key)
    try:
        prepared = operations.prepare(job.account, job.action, job.params)
    except DomainError as exc:  # e.g. the department to transfer to was deleted after the job started
        progress = _Progress(job)
        for public_id in job.ticket_ids[job.position :]:
            progress.fail(public_id, "", exc.message)
        return _finish(job, progress)
    scope = _Scope(job)
    step = _merge if job.action == "merge" else _apply_chunk
    size = job.total if job.action == "merge" else CHUNK
    while True:
        # Agents' browsers refresh once per chunk, the subscribers decide once per chunk whether they have
        # anything to do, and the sidebar's cached counts are dropped when the chunk commits.
        with one_push_per_batch(), once_per_batch(), transaction.atomic():
            transaction.on_commit(lambda: forget_ticket_counts(job.account_id))
            position = BulkJob.objects.select_for_update().filter(pk=job.pk).values_list("position", flat=True).get()
            if position != job.position:  # another run of the same job got further: continue from there
                job.refresh_from_db()
                if job.finished:
                    return job
            if job.position >= job.total:
                break
            chunk = job.ticket_ids[job.position : job.position + size]
            progress = _Progress(job)
            step(job, chunk, prepared, actor, progress, scope)
            job.position += len(chunk)
            job.done, job.failed, job.failures = progress.done, progress.failed, progress.failures
            BulkJob.objects.filter(pk=job.pk).update(
                position=job.position, done=job.done, failed=job.failed, failures=job.failures
            )
    return _finish(job)
