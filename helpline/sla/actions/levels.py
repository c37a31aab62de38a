"""Create, change and delete SLA levels: validated, audited, within the plan; open tickets follow a change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.sla.models import SlaLevel
from helpline.sla.validation import clean_level
from helpline.tenancy.plans import ensure_within_limit


def _summary(level: SlaLevel) -> dict:
    return {
        "name": level.name,
        "calendar": level.calendar.public_id if level.calendar_id else None,
        "targets": level.targets,
        "warning_kind": level.warning_kind,
        "warning_value": level.warning_value,
    }


def _resync_soon(level_id: int) -> None:
    from helpline.sla.tasks import resync_level

    transaction.on_commit(lambda: resync_level(level_id))


@transaction.atomic
def create_level(
    *, account, name, targets, calendar=None, warning_kind=SlaLevel.MINUTES, warning_value=0, actor: Actor
) -> SlaLevel:
    """402 (LimitReached) past the plan's number of SLA levels."""
    ensure_within_limit(account, "sla_levels", current=SlaLevel.objects.filter(account=account).count())
    fields = clean_level(
        account, name=name, calendar=calendar, targets=targets, warning_kind=warning_kind, warning_value=warning_value
    )
    level = SlaLevel.objects.create(account=account, **fields)
    audit.record(account=account, actor=actor, action="sla_level.created", subject=level, data=_summary(level))
    return level


@transaction.atomic
def update_level(
    *, level: SlaLevel, name, targets, calendar=None, warning_kind=SlaLevel.MINUTES, warning_value=0, actor: Actor
) -> SlaLevel:
    fields = clean_level(
        level.account,
        name=name,
        calendar=calendar,
        targets=targets,
        warning_kind=warning_kind,
        warning_value=warning_value,
    )
    before = _summary(level)
    for key, value in fields.items():
        setattr(level, key, value)
    level.save()
    after = _summary(level)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record(account=level.account, actor=actor, action="sla_level.updated", subject=level, data=changes)
        _resync_soon(level.pk)
    return level


@transaction.atomic
def delete_level(*, level: SlaLevel, actor: Actor) -> None:
    """Refused while SLA rules choose it; its tickets lose their SLA clocks and fall back to the default deadline."""
    from helpline.sla.models import SlaState

    if level.rules.exists():
        raise DomainError(_("SLA rules choose this level; change or delete them first."))
    audit.record(account=level.account, actor=actor, action="sla_level.deleted", subject=level, data=_summary(level))
    tickets = list(SlaState.objects.filter(level=level).values_list("ticket_id", flat=True))
    account_id = level.account_id
    level.delete()
    if tickets:
        from helpline.sla.tasks import resync_tickets

        transaction.on_commit(lambda: resync_tickets(account_id, tickets))
