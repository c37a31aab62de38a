"""Merge tickets: every message of the merged tickets moves into one surviving ticket."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions.counts import recount_ticket
from helpline.conversations.models import Message, Ticket, TicketParticipant, TicketTag
from helpline.conversations.statuses import Status
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.security import audit

LIVE = (Status.CHATTING, Status.CALLING)
MAX_MERGED = 100  # tickets merged into one survivor at once


def refuse_merge_reason(ticket: Ticket) -> str:
    """Why this ticket cannot take part in a merge now ("" when it can)."""
    if ticket.merged_into_id:
        return _("Ticket #%(code)s was already merged into another ticket.") % {"code": ticket.code}
    if ticket.status in LIVE:
        return _("Ticket #%(code)s is a live chat or call; wait until it has ended.") % {"code": ticket.code}
    return ""


def _check(target: Ticket, sources: list[Ticket]) -> None:
    if not sources:
        raise DomainError(_("Choose at least one ticket to merge."))
    if len(sources) > MAX_MERGED:
        raise DomainError(_("Merge at most %(n)d tickets at once.") % {"n": MAX_MERGED})
    if any(s.pk == target.pk for s in sources):
        raise DomainError(_("A ticket cannot be merged into itself."))
    if any(s.account_id != target.account_id for s in sources):
        raise DomainError(_("Tickets of another account cannot be merged."))


def _lock_all(target: Ticket, sources: list[Ticket]) -> tuple[Ticket, list[Ticket]]:
    """Every ticket under a row lock, taken in id order so two merges of overlapping tickets cannot deadlock."""
    ids = sorted({target.pk, *(s.pk for s in sources)})
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(locked) != len(ids):  # deleted meanwhile
        raise Conflict(_("One of the tickets no longer exists."))
    for ticket in locked.values():
        ticket.account = target.account
        if reason := refuse_merge_reason(ticket):
            raise Conflict(reason)
    return locked[target.pk], [locked[s.pk] for s in sources]


def _keep_participants(target: Ticket, sources: list[Ticket]) -> None:
    """The merged tickets' requesters and participants take part in the survivor (as CC unless listed already)."""
    rows = [
        TicketParticipant(account_id=target.account_id, ticket=target, contact_id=contact_id, role=role)
        for contact_id, role in TicketParticipant.objects.filter(ticket__in=sources)
        .exclude(contact_id=target.contact_id)
        .order_by("id")
        .values_list("contact_id", "role")
    ]
    rows += [
        TicketParticipant(
            account_id=target.account_id, ticket=target, contact_id=s.contact_id, role=TicketParticipant.CC
        )
        for s in sources
        if s.contact_id != target.contact_id
    ]
    for row in rows:  # the requester role belongs to the survivor's own contact
        if row.role == TicketParticipant.REQUESTER:
            row.role = TicketParticipant.CC
    TicketParticipant.objects.bulk_create(rows, ignore_conflicts=True)


def _keep_tags(target: Ticket, sources: list[Ticket]) -> None:
    tag_ids = set(TicketTag.objects.filter(ticket__in=sources).values_list("tag_id", flat=True))
    tag_ids -= set(TicketTag.objects.filter(ticket=target).values_list("tag_id", flat=True))
    when = target.last_activity_at  # recount_ticket sets the merged activity time on every tag link
    TicketTag.objects.bulk_create(
        [
            TicketTag(account_id=target.account_id, ticket=target, tag_id=tag_id, last_activity_at=when)
            for tag_id in sorted(tag_ids)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def merge_tickets(*, target: Ticket, sources: list[Ticket], actor: Actor = SYSTEM) -> Ticket:
    """Move every message of ``sources`` into ``target`` (the survivor) and return it.

    The thread shows all messages in time order. The merged tickets' contacts and participants become
    participants of the survivor, their tags are added to it, and each merged ticket is resolved (without the
    "resolved" notice) with ``merged_into`` pointing at the survivor: its page and API entry lead there, and
    replies to its email threads (or quoting its code) land in the survivor. Live chats and calls, and tickets
    merged before, are refused. One audit row per ticket."""
    _check(target, sources)
    target, sources = _lock_all(target, sources)
    source_ids = [s.pk for s in sources]
    moved = list(Message.objects.filter(ticket_id__in=source_ids).order_by("id").values_list("id", flat=True))
    Message.objects.filter(pk__in=moved).update(ticket=target)
    _keep_participants(target, sources)
    _keep_tags(target, sources)
    Ticket.objects.filter(merged_into_id__in=source_ids).update(merged_into=target)  # earlier merges follow along
    recount_ticket(target)
    now = clock.now()
    for source in sources:
        source.merged_into = target
        source.status = Status.RESOLVED
        source.resolved_at = now
        source.status_changed_at = now
        source.save(update_fields=["merged_into", "status", "resolved_at", "status_changed_at", "updated_at"])
        recount_ticket(source)
    codes = [s.code for s in sources]
    audit.record(
        account=target.account,
        actor=actor,
        action=ev.TicketMerged.name,
        subject=target,
        data={"merged": codes, "messages": len(moved)},
    )
    for source in sources:
        audit.record(
            account=target.account, actor=actor, action=ev.TicketMerged.name, subject=source, data={"into": target.code}
        )
    for ticket_id in (target.pk, *source_ids):  # every document is reindexed, every ticket refreshes in browsers
        publish_on_commit(
            ev.TicketMerged(
                account_id=target.account_id,
                actor_user_id=actor.user_id,
                ticket_id=ticket_id,
                survivor_ticket_id=target.pk,
                merged_ticket_ids=tuple(source_ids),
            )
        )
    return target
