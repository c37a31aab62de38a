"""Reads of bulk jobs, scoped to one account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.bulk.models import BulkJob
from helpline.core.errors import NotFound


def access_job(account, public_id: str) -> BulkJob:
    """The account's job with this public id; any other id (another account's included) is "not found"."""
    job = BulkJob.objects.filter(account=account, public_id=str(public_id)[:16]).first()
    if job is None:
        raise NotFound(_("No such bulk job."))
    return job
