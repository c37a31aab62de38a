"""Canned messages and predefined answers, each personal, of a department, or shared by the whole account."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.conversations.statuses import Status
from helpline.core.models import PublicIdField, TenantModel


class Scope(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    DEPARTMENT = "department", _("Department")
    SHARED = "shared", _("Shared")


class ScopedReply(TenantModel):
    """Who sees it: its owner (personal), the department's members (department) or every agent (shared)."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.SHARED)
    owner = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "tenancy.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class CannedMessage(ScopedReply):
    """A snippet inserted into a reply by typing "/" and its shortcut."""

    shortcut = models.CharField(_("shortcut"), max_length=32, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["account", "scope", "name"], name="canned_scope_name")]


class PredefinedAnswer(ScopedReply):
    """A whole reply; sending it can also set the ticket's status and add tags."""

    set_status = models.CharField(_("status after sending"), max_length=10, choices=Status.choices, blank=True)
    add_tags = models.JSONField(_("tags to add"), default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["account", "scope", "name"], name="answer_scope_name")]


class AnswerAttachment(TenantModel):
    """A file sent with every reply made from the answer (copied onto the message when sent)."""

    public_id = PublicIdField()
    answer = models.ForeignKey(PredefinedAnswer, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
