"""Mailboxes (how mail comes in and goes out), accepted domains, templates and the auto-reply log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.crypto import EncryptedTextField
from helpline.core.models import PublicIdField, TenantModel

SECURITY_CHOICES = [("ssl", _("TLS (implicit)")), ("starttls", "STARTTLS"), ("none", _("None (loopback only)"))]


class Mailbox(TenantModel):
    IMAP, POP3, FORWARD = "imap", "pop3", "forward"
    INBOUND_CHOICES = [
        (IMAP, "IMAP"),
        (POP3, "POP3"),
        (FORWARD, _("Forwarded to Helpline (built-in SMTP receiver or MTA pipe)")),
    ]
    PASSWORD, OAUTH_GOOGLE, OAUTH_MICROSOFT = "password", "oauth2_google", "oauth2_microsoft"
    AUTH_CHOICES = [
        (PASSWORD, _("Password")),
        (OAUTH_GOOGLE, _("Google (OAuth 2.0)")),
        (OAUTH_MICROSOFT, _("Microsoft 365 (OAuth 2.0)")),
    ]
    KEEP, MARK_SEEN, MOVE, DELETE = "keep", "seen", "move", "delete"
    AFTER_IMPORT_CHOICES = [
        (KEEP, _("Leave as it is")),
        (MARK_SEEN, _("Mark as read")),
        (MOVE, _("Move to a folder")),
        (DELETE, _("Delete")),
    ]
    ADD_PARTICIPANT, NEW_TICKET = "participant", "new_ticket"
    STRANGER_CHOICES = [
        (NEW_TICKET, _("Open a new ticket")),
        (ADD_PARTICIPANT, _("Add the sender to the ticket as a participant")),
    ]

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"))
    brand = models.ForeignKey("tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey("tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)

    inbound = models.CharField(_("incoming mail"), max_length=10, choices=INBOUND_CHOICES, default=FORWARD)
    host = models.CharField(_("server"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    security = models.CharField(_("security"), max_length=10, choices=SECURITY_CHOICES, default="ssl")
    username = models.CharField(_("user name"), max_length=320, blank=True)
    password = EncryptedTextField(_("password"), blank=True)
    auth = models.CharField(_("sign-in"), max_length=20, choices=AUTH_CHOICES, default=PASSWORD)
    oauth_client_id = models.CharField(max_length=255, blank=True)
    oauth_client_secret = EncryptedTextField(blank=True)
    oauth_refresh_token = EncryptedTextField(blank=True)
    oauth_access_token = EncryptedTextField(blank=True)
    oauth_expires_at = models.DateTimeField(null=True, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_import = models.CharField(max_length=10, choices=AFTER_IMPORT_CHOICES, default=KEEP)
    move_to_folder = models.CharField(max_length=255, blank=True)
    # IMAP progress: by UID within UIDVALIDITY, never by the \\Seen flag.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)

    smtp_host = models.CharField(_("SMTP server"), max_length=253, blank=True)
    smtp_port = models.PositiveIntegerField(null=True, blank=True)
    smtp_security = models.CharField(max_length=10, choices=SECURITY_CHOICES, default="starttls")
    smtp_username = models.CharField(max_length=320, blank=True)
    smtp_password = EncryptedTextField(blank=True)

    stranger_policy = models.CharField(max_length=12, choices=STRANGER_CHOICES, default=NEW_TICKET)
    spam_enabled = models.BooleanField(default=False)
    spam_host = models.CharField(max_length=253, default="127.0.0.1")
    spam_port = models.PositiveIntegerField(default=783)
    spam_threshold = models.FloatField(default=5.0)
    dkim_domain = models.CharField(max_length=253, blank=True)
    dkim_selector = models.CharField(max_length=63, blank=True)
    dkim_private_key = EncryptedTextField(blank=True)
    signature_html = models.TextField(blank=True)

    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "address"], name="mailbox_unique_address")]
        indexes = [models.Index(fields=["address"], name="mailbox_address")]

    def __str__(self):
        return f"{self.name} <{self.address}>"


class AcceptedDomain(TenantModel):
    """Mail to any address at this domain is accepted by the built-in SMTP receiver for the account."""

    domain = models.CharField(max_length=253, unique=True)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="domains")


class EmailTemplate(TenantModel):
    NEW_TICKET, AGENT_REPLY, RESOLVED, SURVEY = "new_ticket", "agent_reply", "resolved", "survey"
    KIND_CHOICES = [
        (NEW_TICKET, _("New ticket received")),
        (AGENT_REPLY, _("Agent reply")),
        (RESOLVED, _("Ticket resolved")),
        (SURVEY, _("Satisfaction survey")),
    ]

    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    locale = models.CharField(max_length=10, default="en")
    is_active = models.BooleanField(default=True)
    subject = models.CharField(max_length=255)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind", "locale"], name="template_unique")]


class AutoReplyLog(TenantModel):
    """Every automatic answer, for the per-ticket and per-recipient rate limits."""

    ticket = models.ForeignKey("conversations.Ticket", null=True, blank=True, on_delete=models.CASCADE)
    recipient = models.EmailField()
    kind = models.CharField(max_length=12)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "recipient", "-sent_at"], name="autoreply_recipient")]
