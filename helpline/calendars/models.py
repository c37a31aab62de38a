"""Business calendars: weekly opening hours, holidays and a time zone (helpline.calendars.schedule does the maths)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.calendars.schedule import Schedule, schedule_from_weekly, zone_or_utc
from helpline.core.models import PublicIdField, TenantModel


class BusinessCalendar(TenantModel):
    """``weekly``: {"mon": [["09:00", "17:00"], …], …} in wall-clock time of ``timezone``; a missing day is closed."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    weekly = models.JSONField(_("weekly hours"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def as_schedule(self) -> Schedule:
        """The schedule with its holidays (prefetch ``holidays`` to read them without a query per calendar)."""
        holidays = list(self.holidays.all())
        return schedule_from_weekly(
            self.weekly or {},
            zone=zone_or_utc(self.timezone),
            holidays=[h.date for h in holidays if not h.recurring],
            yearly_holidays=[(h.date.month, h.date.day) for h in holidays if h.recurring],
        )


class Holiday(TenantModel):
    """A closed day; a recurring one repeats every year on the same month and day."""

    public_id = PublicIdField()
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    recurring = models.BooleanField(_("every year"), default=False)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date")]

    def __str__(self):
        return f"{self.date} {self.name}"
