"""The account's visitor-privacy settings and the retention sweep."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.channels.chat.monitoring.models import MAX_RETENTION_DAYS, TrackingSettings, Visit
from helpline.channels.chat.monitoring.privacy import tracking_settings
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit

FIELDS = ("page_tracking", "anonymise_ips", "honour_dnt", "retention_days")
PURGE_BATCH = 1000


@transaction.atomic
def update_tracking_settings(
    *, account, page_tracking: bool, anonymise_ips: bool, honour_dnt: bool, retention_days: int, actor: Actor = SYSTEM
) -> TrackingSettings:
    if not isinstance(retention_days, int) or not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise DomainError(_("Keep visitor data for 1 to %(max)d days.") % {"max": MAX_RETENTION_DAYS})
    settings = tracking_settings(account)
    values = {
        "page_tracking": bool(page_tracking),
        "anonymise_ips": bool(anonymise_ips),
        "honour_dnt": bool(honour_dnt),
        "retention_days": retention_days,
    }
    changed = {key: [getattr(settings, key), value] for key, value in values.items() if getattr(settings, key) != value}
    if settings.pk is not None and not changed:
        return settings
    for key, value in values.items():
        setattr(settings, key, value)
    settings.save()
    audit.record(account=account, actor=actor, action="chat_privacy.updated", subject=account, data=changed)
    return settings


def purge_old_visits(*, now=None) -> int:
    """Delete every visit (with its page views and invitations) last seen longer ago than its account keeps
    visitor data. Idempotent; returns how many visits went."""
    now = now or clock.now()
    kept = dict(TrackingSettings.objects.values_list("account_id", "retention_days"))
    default = TrackingSettings._meta.get_field("retention_days").default
    deleted = 0
    for account_id in Visit.objects.values_list("account_id", flat=True).distinct().order_by():
        cutoff = now - timedelta(days=kept.get(account_id, default))
        while True:
            batch = list(
                Visit.objects.filter(account_id=account_id, last_seen_at__lt=cutoff).values_list("pk", flat=True)[
                    :PURGE_BATCH
                ]
            )
            if not batch:
                break
            Visit.objects.filter(pk__in=batch).delete()
            deleted += len(batch)
    return deleted
