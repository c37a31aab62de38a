"""Notifications for agents: what each agent sees in the bell, what they want to hear about and how, and the
email digests (stored before they are sent)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel
from helpline.notifications import kinds


class Notification(TenantModel):
    """One entry of an agent's notification centre. Its text is built when shown (kinds.text), in the reader's
    language, from the rows it names."""

    public_id = PublicIdField()
    recipient = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=kinds.CHOICES)
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The department a new or transferred ticket went to (the ticket may move on later).
    department = models.ForeignKey(
        "tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The list, newest first, keyset-paginated on id; the unread count is the same range with read_at null.
            models.Index(fields=["account", "recipient", "-id"], name="notification_list"),
            models.Index(fields=["account", "recipient"], condition=models.Q(read_at=None), name="notification_unread"),
        ]


class Preference(TenantModel):
    """An agent's choice for one kind; no row: the kind's defaults (kinds.KINDS)."""

    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=kinds.CHOICES)
    in_app = models.BooleanField(_("in the app"))
    email = models.BooleanField(_("by email"))
    browser = models.BooleanField(_("browser notification"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user", "kind"], name="notification_pref_unique")]


class DigestEmail(TenantModel):
    """One email to one agent gathering the notifications of a short window. Stored (``queued``) before any
    network call; the send task claims it (``sending``) and records the outcome."""

    QUEUED, SENDING, SENT, FAILED, DROPPED = "queued", "sending", "sent", "failed", "dropped"
    STATUS_CHOICES = [(s, s) for s in (QUEUED, SENDING, SENT, FAILED, DROPPED)]

    public_id = PublicIdField()
    recipient = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    to_address = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_digest_due")]


class PendingEmail(TenantModel):
    """A notification waiting for its agent's next digest (``digest`` null until one takes it)."""

    recipient = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=kinds.CHOICES)
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(
        "tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.ForeignKey(DigestEmail, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "recipient"], condition=models.Q(digest=None), name="notification_pending"),
            models.Index(fields=["created_at"], condition=models.Q(digest=None), name="notification_pending_age"),
        ]
