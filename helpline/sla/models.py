"""SLA levels (targets per priority, counted in a calendar's business hours), SLA rules choosing a level, and
each ticket's SLA clock (helpline.sla.timing does the arithmetic, helpline.sla.actions the writes)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel

FIRST_RESPONSE, NEXT_RESPONSE, RESOLUTION = "first_response", "next_response", "resolution"
TARGETS = (FIRST_RESPONSE, NEXT_RESPONSE, RESOLUTION)
TARGET_LABELS = {
    FIRST_RESPONSE: _("First response"),
    NEXT_RESPONSE: _("Next response"),
    RESOLUTION: _("Resolution"),
}
# Column prefix of each target on SlaState.
PREFIX = {FIRST_RESPONSE: "fr", NEXT_RESPONSE: "nr", RESOLUTION: "res"}


class SlaLevel(TenantModel):
    """Targets in minutes per target and priority name: {"first_response": {"urgent": 30, "high": 60, …}, …}; a
    missing priority has no target. Minutes count in ``calendar``'s business hours, or around the clock without
    one. The warning comes ``warning_value`` minutes (or percent of the target) before the due time; 0: none."""

    MINUTES, PERCENT = "minutes", "percent"
    WARNING_KINDS = [(MINUTES, _("minutes before due")), (PERCENT, _("% of the target before due"))]

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    targets = models.JSONField(default=dict, blank=True)
    warning_kind = models.CharField(max_length=8, choices=WARNING_KINDS, default=MINUTES)
    warning_value = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def minutes(self, target: str, priority_name: str) -> int | None:
        value = (self.targets or {}).get(target, {}).get(priority_name)
        return int(value) if value else None

    def warning_lead(self, duration: timedelta) -> timedelta:
        """How long before the due time the warning comes (zero: no warning)."""
        if not self.warning_value:
            return timedelta(0)
        if self.warning_kind == self.PERCENT:
            return duration * min(self.warning_value, 100) / 100
        return timedelta(minutes=self.warning_value)


class SlaRule(TenantModel):
    """When ``conditions`` (the event-rule condition schema, helpline.automation.schema) hold for a new ticket, it
    gets ``level``. Rules run by ``position``; the first that matches wins."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=200)
    conditions = models.JSONField(default=dict, blank=True)
    level = models.ForeignKey(SlaLevel, on_delete=models.PROTECT, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["account", "position", "id"], name="sla_rule_order")]

    def __str__(self):
        return self.name


def _target_fields(prefix: str) -> dict:
    return {
        # "" (no target), running, paused or done
        f"{prefix}_state": models.CharField(max_length=8, blank=True, default=""),
        f"{prefix}_started_at": models.DateTimeField(null=True, blank=True),  # the start of this cycle
        f"{prefix}_since": models.DateTimeField(null=True, blank=True),  # running since (None: not running)
        f"{prefix}_consumed": models.DurationField(default=timedelta(0)),  # business time used before ``since``
        f"{prefix}_due_at": models.DateTimeField(null=True, blank=True),  # while running
        f"{prefix}_warn_at": models.DateTimeField(null=True, blank=True),  # while running, until warned
        f"{prefix}_warned_at": models.DateTimeField(null=True, blank=True),
        f"{prefix}_breached_at": models.DateTimeField(null=True, blank=True),
        f"{prefix}_done_at": models.DateTimeField(null=True, blank=True),
    }


class SlaState(TenantModel):
    """One ticket's SLA clock: its level and, per target (columns ``fr_``, ``nr_``, ``res_``), where the clock
    stands. ``next_check_at`` is the earliest warning or due time still to announce: the scheduler's sweep reads
    only the rows it has reached. ``calendar_id`` is the calendar the consumed time was counted in."""

    ticket = models.OneToOneField("conversations.Ticket", on_delete=models.CASCADE, related_name="sla_state")
    level = models.ForeignKey(SlaLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pinned = models.BooleanField(default=False)  # set by an agent or an event rule: SLA rules leave it alone
    calendar_id = models.BigIntegerField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    locals().update(_target_fields("fr"))
    locals().update(_target_fields("nr"))
    locals().update(_target_fields("res"))

    class Meta:
        indexes = [models.Index(fields=["next_check_at"], name="sla_state_next_check")]
