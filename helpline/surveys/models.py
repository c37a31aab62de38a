"""A customer's rating of a ticket: good or bad with an optional comment, one per ticket and source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class Rating(TenantModel):
    GOOD, BAD = "good", "bad"
    VALUE_CHOICES = [(GOOD, _("Good")), (BAD, _("Bad"))]
    EMAIL, CHAT = "email", "chat"
    SOURCE_CHOICES = [(EMAIL, _("Survey email")), (CHAT, _("Live chat"))]

    public_id = PublicIdField()
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="ratings")
    source = models.CharField(max_length=8, choices=SOURCE_CHOICES, default=EMAIL)
    value = models.CharField(max_length=4, choices=VALUE_CHOICES)
    comment = models.TextField(blank=True)
    # Who worked the ticket when it was rated: the agents' ratings report counts it for them.
    agent = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "source"], name="rating_one_per_ticket_source")]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="rating_recent"),
            models.Index(fields=["account", "agent", "-created_at"], name="rating_agent"),
        ]
