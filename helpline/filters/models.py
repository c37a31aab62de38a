"""Saved ticket filters: an agent's named inbox query, personal or shared with the team."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class SavedFilter(TenantModel):
    public_id = PublicIdField()
    owner = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("name"), max_length=100)
    # Shared filters show in every agent's inbox; personal ones in their owner's alone.
    shared = models.BooleanField(_("shared with the team"), default=False)
    # The inbox query string's filter values ({"status": "open", "cf.plan": "Gold", …}), read again by
    # helpline.filters.params.parse_filter each time, so a filter naming something deleted matches nothing.
    query = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "owner", "name"], name="saved_filter_unique_name"),
        ]
        indexes = [
            models.Index(fields=["account", "owner"], name="saved_filter_owner"),
            models.Index(fields=["account", "shared"], name="saved_filter_shared"),
        ]

    def __str__(self):
        return self.name
