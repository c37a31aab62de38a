"""Automatic ticket assignment settings: per department, and the account's default (helpline.assignment.assign)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import TenantModel


class Mode(models.TextChoices):
    INHERIT = "inherit", _("As the account's default")
    OFF = "off", _("Off")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


STRATEGIES = (Mode.ROUND_ROBIN, Mode.LEAST_LOADED)


class AssignmentSetting(TenantModel):
    """The mode of one department, or the account's default (``department`` empty).

    ``max_open`` caps an agent's open tickets (new or open, assigned to them) for automatic assignment; empty:
    no cap. ``last_user_id`` is the round-robin position; the row is locked while choosing, so concurrent
    assignments take turns.
    """

    department = models.OneToOneField(
        "tenancy.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="assignment"
    )
    mode = models.CharField(_("automatic assignment"), max_length=16, choices=Mode.choices, default=Mode.INHERIT)
    max_open = models.PositiveIntegerField(_("open tickets per agent at most"), null=True, blank=True)
    last_user_id = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(department__isnull=True), name="assignment_account_default"
            )
        ]
