"""Search-and-replace rules applied to inbound messages before they are stored (helpline.replacements.rewrite)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel

MAX_PATTERN = 500
MAX_REPLACEMENT = 2000


class ReplacementRule(TenantModel):
    """One rule: ``pattern`` (plain text, or a regular expression with ``is_regex``) becomes ``replacement``.

    Rules run in ``position`` order, each on the result of the previous one. ``channels`` limits a rule to
    messages of those channel kinds ("email", "chat", …); empty means every channel.
    """

    public_id = PublicIdField()
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=100, blank=True)
    pattern = models.CharField(_("search for"), max_length=MAX_PATTERN)
    replacement = models.CharField(_("replace with"), max_length=MAX_REPLACEMENT, blank=True)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    case_sensitive = models.BooleanField(_("match case"), default=False)
    in_subject = models.BooleanField(_("in the subject"), default=True)
    in_body = models.BooleanField(_("in the body"), default=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["account", "position", "id"], name="replacement_rule_order")]

    def __str__(self):
        return self.name or self.pattern
