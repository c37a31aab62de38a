"""Live chat: buttons that sites embed, the chat sessions visitors open through them, and the numbered lines
of each session (the per-conversation sequence the widget and the console replay from)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.ids import new_public_id
from helpline.core.models import PublicIdField, TenantModel


def new_widget_key() -> str:
    """The public key in the embed snippet: random, long enough that keys cannot be enumerated."""
    return new_public_id(24)


class FieldMode(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


class ChatButton(TenantModel):
    BOTTOM_RIGHT, BOTTOM_LEFT = "bottom-right", "bottom-left"
    POSITION_CHOICES = [(BOTTOM_RIGHT, _("Bottom right")), (BOTTOM_LEFT, _("Bottom left"))]
    TEMPLATE_CHOICES = [
        ("bubble", _("Bubble")),
        ("tab", _("Tab with text")),
        ("minimal", _("Minimal")),
        ("square", _("Square")),
    ]
    OFFLINE_FORM, OFFLINE_HIDE = "form", "hide"
    OFFLINE_CHOICES = [(OFFLINE_FORM, _("Show a contact form")), (OFFLINE_HIDE, _("Hide the button"))]
    ENDED_ANSWERED, ENDED_RESOLVED = "answered", "resolved"
    ENDED_CHOICES = [(ENDED_ANSWERED, _("Answered")), (ENDED_RESOLVED, _("Resolved"))]

    public_id = PublicIdField()
    key = models.CharField(max_length=32, unique=True, default=new_widget_key, editable=False)
    name = models.CharField(_("name"), max_length=100)
    brand = models.ForeignKey("tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey("tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)
    # Appearance
    colour = models.CharField(_("colour"), max_length=7, default="#2563eb")
    position = models.CharField(_("position"), max_length=16, choices=POSITION_CHOICES, default=BOTTOM_RIGHT)
    template = models.CharField(_("template"), max_length=16, choices=TEMPLATE_CHOICES, default="bubble")
    launcher_text = models.CharField(_("button text"), max_length=60, blank=True)
    title_text = models.CharField(_("window title"), max_length=100, blank=True)
    offline_title_text = models.CharField(_("offline title"), max_length=100, blank=True)
    welcome_message = models.TextField(_("welcome message"), blank=True)
    custom_css = models.TextField(_("custom CSS"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)  # blank: the account's language
    # Pre-chat form
    name_field = models.CharField(max_length=10, choices=FieldMode.choices, default=FieldMode.OPTIONAL)
    email_field = models.CharField(max_length=10, choices=FieldMode.choices, default=FieldMode.OPTIONAL)
    # [{"key": "order", "label": "Order number", "required": false}, …]
    custom_fields = models.JSONField(default=list, blank=True)
    # Offline behaviour and the end of a chat
    offline_behaviour = models.CharField(max_length=8, choices=OFFLINE_CHOICES, default=OFFLINE_FORM)
    status_after_chat = models.CharField(max_length=10, choices=ENDED_CHOICES, default=ENDED_ANSWERED)
    # Business hours (helpline.channels.chat.hours): off means always open. {"mon": ["09:00", "17:00"], …} in the
    # account's time zone; a day that is missing is closed.
    hours_enabled = models.BooleanField(_("business hours"), default=False)
    business_hours = models.JSONField(_("weekly schedule"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="chat_button_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChatSession(TenantModel):
    WAITING, ACTIVE, ENDED = "waiting", "active", "ended"
    STATE_CHOICES = [(WAITING, _("Waiting for an agent")), (ACTIVE, _("Active")), (ENDED, _("Ended"))]

    public_id = PublicIdField()
    button = models.ForeignKey(ChatButton, on_delete=models.CASCADE, related_name="sessions")
    ticket = models.OneToOneField("conversations.Ticket", on_delete=models.CASCADE, related_name="chat_session")
    contact = models.ForeignKey("people.Contact", on_delete=models.CASCADE, related_name="+")
    visitor_id = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=STATE_CHOICES, default=WAITING)
    agent = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    request_id = models.CharField(max_length=32, blank=True)  # the routing ChatRequest's public id
    last_seq = models.PositiveIntegerField(default=0)
    visitor_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    form_data = models.JSONField(default=dict, blank=True)  # the pre-chat form's custom fields
    rating = models.CharField(max_length=4, blank=True)  # "good" / "bad"
    rating_comment = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The visitor's widget sockets joined to the chat, and since when none is (a waiting chat whose visitor stays
    # away longer than actions.presence.VISITOR_GRACE is withdrawn as missed).
    visitor_sockets = models.PositiveIntegerField(default=0)
    visitor_gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["button", "visitor_id", "-id"], name="chat_session_visitor"),
            models.Index(fields=["account", "state", "-id"], name="chat_session_state"),
            # The sweep for waiting chats whose visitor left (actions.presence): waiting chats only.
            models.Index(
                fields=["visitor_gone_at"], condition=models.Q(state="waiting"), name="chat_session_visitor_gone"
            ),
        ]


class ChatLine(TenantModel):
    """One numbered line of a session: a message of either side. ``cid`` is the sender's own id for it."""

    VISITOR, AGENT = "visitor", "agent"
    SIDE_CHOICES = [(VISITOR, _("Visitor")), (AGENT, _("Agent"))]

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="lines")
    seq = models.PositiveIntegerField()
    cid = models.CharField(max_length=64)
    side = models.CharField(max_length=8, choices=SIDE_CHOICES)
    message = models.OneToOneField("conversations.Message", on_delete=models.CASCADE, related_name="chat_line")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="chat_line_unique_seq"),
            models.UniqueConstraint(fields=["session", "side", "cid"], name="chat_line_unique_cid"),
        ]
        ordering = ["seq"]


class VisitorSockets(models.Model):
    """How many of ``ChatSession.visitor_sockets`` a web node holds (routing.nodes): when a node dies without
    closing its sockets, the sweep takes its share off the session's count (actions.presence)."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=64)
    sockets = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "session"], name="chat_visitor_sockets_unique")]

    def __str__(self):
        return f"{self.node}: {self.sockets}"
