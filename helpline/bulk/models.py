"""Bulk jobs: one action over many tickets, run by a task, with progress and a per-ticket failure report."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class BulkJob(TenantModel):
    QUEUED, RUNNING, FINISHED = "queued", "running", "finished"
    STATE_CHOICES = [(QUEUED, _("Queued")), (RUNNING, _("Running")), (FINISHED, _("Finished"))]

    public_id = PublicIdField()
    action = models.CharField(max_length=16)
    # The action's arguments as given (public ids and names), resolved again when the job runs.
    params = models.JSONField(default=dict, blank=True)
    # The selection, fixed when the job starts: ticket public ids in the order they are worked through.
    ticket_ids = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)  # how many of ticket_ids have been worked through
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [{"ticket": public id, "code": ticket code or "", "reason": text}], the first MAX_FAILURES_KEPT of them.
    failures = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=QUEUED)
    created_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey("security.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="bulk_job_recent")]

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.position * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state == self.FINISHED
