"""An agent's notification sound for one event, in one account."""

from django.db import models

from helpline.core.models import PublicIdField, TenantModel
from helpline.workspace import sounds


class SoundPreference(TenantModel):
    """No row: the event's default sound. ``sound`` is a built-in name, ``custom`` (the uploaded file) or ``muted``.
    An uploaded file stays while another sound is chosen, so switching back needs no new upload."""

    public_id = PublicIdField()
    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20, choices=[(k, v[0]) for k, v in sounds.EVENTS.items()])
    sound = models.CharField(max_length=20)
    custom_key = models.CharField(max_length=255, blank=True)  # storage key of the uploaded file
    custom_name = models.CharField(max_length=255, blank=True)
    custom_type = models.CharField(max_length=40, blank=True)  # detected from the content
    custom_size = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user", "event"], name="sound_preference_unique"),
        ]
