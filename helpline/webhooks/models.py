"""Webhooks (an endpoint, its event types and secret) and the log of every delivery attempt."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.crypto import EncryptedTextField
from helpline.core.models import PublicIdField, TenantModel


class Webhook(TenantModel):
    JSON, SLACK = "json", "slack"
    KIND_CHOICES = [(JSON, _("Signed JSON")), (SLACK, _("Slack incoming webhook"))]

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=KIND_CHOICES, default=JSON)
    url = EncryptedTextField(_("URL"))  # a Slack URL is itself a secret
    secret = EncryptedTextField(blank=True)  # HMAC key; shown once, when created or rotated
    event_types = models.JSONField(default=list)  # event names, see helpline.webhooks.catalog
    departments = models.ManyToManyField("tenancy.Department", blank=True, related_name="+")  # empty: every one
    is_active = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["account", "is_active"], name="webhook_account_active")]
        ordering = ["name", "id"]


class WebhookSettings(TenantModel):
    """Address ranges an owner or admin allows webhooks to reach although they are not public (CIDR list)."""

    allowed_ranges = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account"], name="webhook_settings_one_per_account")]


class WebhookDelivery(TenantModel):
    """One attempt to deliver one event to one webhook. Retries are new rows with the same ``event_id``."""

    PENDING, SUCCEEDED, FAILED, REFUSED = "pending", "succeeded", "failed", "refused"
    STATUS_CHOICES = [
        (PENDING, _("Pending")),
        (SUCCEEDED, _("Delivered")),
        (FAILED, _("Failed")),
        (REFUSED, _("Refused")),
    ]

    public_id = PublicIdField()
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=32)  # the payload's "id": the same for every attempt
    event_type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    due_at = models.DateTimeField()  # when the attempt may run (now, or after the backoff)
    attempted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["webhook", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["status", "due_at"], name="webhook_delivery_due"),
        ]
