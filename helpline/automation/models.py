"""Event rules, the per-account rule-book version the engine caches by, time rules with their firing records, and the
execution log both kinds write."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class Rule(TenantModel):
    """One event rule: when ``trigger`` happens and ``conditions`` hold, run ``actions`` (in order).

    ``conditions`` and ``actions`` are JSON validated by ``helpline.automation.schema``; rules run by ``position``.
    ``state`` holds what an action remembers between runs (the round-robin pointer); it is not part of the rule.
    """

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    trigger = models.CharField(_("trigger"), max_length=32)
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["account", "position", "id"], name="rule_order")]

    def __str__(self):
        return self.name


class RuleBook(TenantModel):
    """Changed by every rule change: processes cache the compiled rules of an account until it moves. A random
    stamp, not a counter, so a recreated account (or a rolled-back test) never meets a stale cache."""

    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account"], name="rule_book_unique_account")]


class RuleExecution(TenantModel):
    """What a rule did (or why it did not) on one ticket. Only rules whose conditions matched are logged."""

    APPLIED, FAILED, LOOP, TOO_DEEP = "applied", "failed", "loop", "too_deep"
    OUTCOME_CHOICES = [
        (APPLIED, _("Applied")),
        (FAILED, _("Failed")),
        (LOOP, _("Skipped: the rule caused this event")),
        (TOO_DEEP, _("Skipped: too many rules in a chain")),
    ]

    public_id = PublicIdField()
    rule = models.ForeignKey(Rule, null=True, on_delete=models.SET_NULL, related_name="executions")
    time_rule = models.ForeignKey("TimeRule", null=True, on_delete=models.SET_NULL, related_name="executions")
    rule_name = models.CharField(max_length=200)  # kept when the rule is deleted
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="rule_executions")
    event = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    depth = models.PositiveSmallIntegerField(default=0)  # rules earlier in the causation chain
    results = models.JSONField(default=list)  # [{"type": action type, "result": what it did}]
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["rule", "-id"], name="rule_execution_rule"),
            models.Index(fields=["ticket", "-id"], name="rule_execution_ticket"),
            models.Index(fields=["time_rule", "-id"], name="rule_execution_time_rule"),
        ]


class TimeRule(TenantModel):
    """One time rule: when ``after_minutes`` have passed on a ticket's ``clock`` (in calendar time, or in the open
    hours of ``calendar``) and ``conditions`` hold, run ``actions``. Judged by the scheduler's sweep
    (helpline.automation.timerules.sweep), at most once per ticket per value of the clock (``TimeRuleFiring``).

    ``swept_at`` / ``swept_id``: how far along the clock the sweep has judged tickets (keyset position); a change
    to the rule resets it, so the changed rule looks at every ticket again (never firing twice for one state).
    """

    CREATED, CUSTOMER_MESSAGE, AGENT_MESSAGE, STATUS_CHANGED = (
        "created", "customer_message", "agent_message", "status_changed",
    )  # fmt: skip
    CLOCK_CHOICES = [
        (CREATED, _("Since the ticket was created")),
        (CUSTOMER_MESSAGE, _("Since the customer's last message")),
        (AGENT_MESSAGE, _("Since the last agent reply")),
        (STATUS_CHANGED, _("Since the status changed")),
    ]
    CALENDAR_HOURS, BUSINESS_HOURS = "calendar", "business"
    HOURS_CHOICES = [(CALENDAR_HOURS, _("Calendar hours")), (BUSINESS_HOURS, _("Business hours"))]

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    clock = models.CharField(_("time since"), max_length=24, choices=CLOCK_CHOICES)
    after_minutes = models.PositiveIntegerField(_("after (minutes)"))
    hours = models.CharField(_("counted in"), max_length=10, choices=HOURS_CHOICES, default=CALENDAR_HOURS)
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # deleted: a business-hours rule does nothing until it is given another calendar
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    state = models.JSONField(default=dict, blank=True)  # what an action remembers (the round-robin pointer)
    swept_at = models.DateTimeField(null=True, blank=True)
    swept_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["account", "position", "id"], name="time_rule_order"),
            models.Index(fields=["enabled", "account"], name="time_rule_enabled"),
        ]

    def __str__(self):
        return self.name


class TimeRuleFiring(TenantModel):
    """A time rule fired on a ticket for one value of its clock (``state``). Inserted before the actions run, in
    their transaction: the unique constraint makes two sweeps running at once fire a rule once per ticket and
    state."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    state = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "ticket", "state"], name="time_rule_firing_once_per_state")
        ]
