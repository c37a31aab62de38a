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


class Ban(TenantModel):
    """A visitor who may not start chats: one IP address, a network (CIDR, IPv4 or IPv6) or a visitor id."""

    IP, NETWORK, VISITOR = "ip", "network", "visitor"
    KIND_CHOICES = [(IP, _("IP address")), (NETWORK, _("Network")), (VISITOR, _("Visitor id"))]

    public_id = PublicIdField()
    kind = models.CharField(_("kind"), max_length=8, choices=KIND_CHOICES)
    value = models.CharField(_("value"), max_length=64)  # normalised: "203.0.113.7", "2001:db8::/32", a visitor id
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["account", "kind", "value"], name="ban_lookup")]

    def __str__(self):
        return self.value
