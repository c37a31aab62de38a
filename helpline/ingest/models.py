"""Every inbound item is recorded with its raw source before anything parses it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class InboundRecord(TenantModel):
    STORED, PROCESSED, QUARANTINED = "stored", "processed", "quarantined"
    STATE_CHOICES = [(STORED, _("Stored")), (PROCESSED, _("Processed")), (QUARANTINED, _("Quarantined"))]

    public_id = PublicIdField()
    channel = models.CharField(max_length=16)
    source = models.CharField(max_length=64, blank=True)  # e.g. the mailbox's public id
    external_id = models.CharField(max_length=255, blank=True)
    raw_key = models.CharField(max_length=255)
    raw_size = models.PositiveBigIntegerField()
    raw_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=STORED)
    error = models.TextField(blank=True)
    message = models.ForeignKey("conversations.Message", null=True, blank=True, on_delete=models.SET_NULL)
    thread_reason = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "channel", "external_id"], name="inbound_dedupe"),
            models.Index(fields=["account", "channel", "raw_sha256"], name="inbound_dedupe_hash"),
            models.Index(fields=["state", "id"], name="inbound_state"),
        ]
