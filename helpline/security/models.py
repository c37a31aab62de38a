"""API keys (hashed at rest) and the audit trail."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class ApiKey(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(TenantModel):
    """One row per write. ``subject`` is the public id of what changed."""

    actor_user = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL)
    actor_api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=16)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["account", "subject_type", "subject_id", "-id"], name="audit_subject")]
