"""Event rules, the per-account rule-book version the engine caches by, and the execution log."""

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
        ]
