"""Chat routing: settings, agents' routing profile, chat requests and their rings, presence intervals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class Strategy(models.TextChoices):
    RING_ALL = "ring_all", _("Ring all available agents")
    RANDOM = "random", _("Random agent")
    LEAST_BUSY = "least_busy", _("Least busy (fewest running chats)")
    FILL_UP = "fill_up", _("Fill up (most running chats until the limit)")
    PRIORITIES = "priorities", _("Agent priorities")


class AccountRouting(TenantModel):
    """The account's routing settings. Departments may choose their own strategy."""

    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices, default=Strategy.RING_ALL)
    ring_seconds = models.PositiveSmallIntegerField(_("ring time (seconds)"), default=30)
    chat_limit = models.PositiveSmallIntegerField(_("chats at once per agent"), default=3)
    auto_pause_after = models.PositiveSmallIntegerField(
        _("pause an agent after this many missed chats in a row"), default=0
    )
    idle_release_minutes = models.PositiveSmallIntegerField(_("free the slot of a chat idle for (minutes)"), default=10)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account"], name="account_routing_unique")]


class DepartmentRouting(TenantModel):
    department = models.OneToOneField("tenancy.Department", on_delete=models.CASCADE, related_name="routing")
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices)


class AgentRouting(TenantModel):
    """One agent's routing profile in one account: priority (1 first … 100 last), own chat limit, missed chats."""

    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField(_("priority"), default=50)
    chat_limit = models.PositiveSmallIntegerField(_("chats at once"), null=True, blank=True)
    missed_in_row = models.PositiveIntegerField(default=0)
    missed_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="agent_routing_unique")]


class ChatRequest(TenantModel):
    """One attempt to get an agent into a chat ticket: it rings, waits in the queue, or finds nobody."""

    PENDING, RINGING, QUEUED, ACCEPTED, FINISHED = "pending", "ringing", "queued", "accepted", "finished"
    UNAVAILABLE, WITHDRAWN, TRANSFERRED = "unavailable", "withdrawn", "transferred"
    STATE_CHOICES = [
        (PENDING, _("Pending")),
        (RINGING, _("Ringing")),
        (QUEUED, _("Queued")),
        (ACCEPTED, _("Accepted")),
        (FINISHED, _("Finished")),
        (UNAVAILABLE, _("Nobody available")),
        (WITHDRAWN, _("Withdrawn")),
        (TRANSFERRED, _("Transferred")),
    ]
    OPEN_STATES = (PENDING, RINGING, QUEUED)

    public_id = PublicIdField()
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="chat_requests")
    department = models.ForeignKey("tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL)
    contact = models.ForeignKey("people.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    target_user = models.ForeignKey(
        "tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # a transfer to one agent rings that agent only
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=PENDING)
    round = models.PositiveIntegerField(default=0)  # which ring round is current; a stale timeout does nothing
    ringing_since = models.DateTimeField(null=True, blank=True)
    assigned_user = models.ForeignKey(
        "tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "state", "created_at"], name="chat_request_state"),
            models.Index(fields=["account", "assigned_user", "state"], name="chat_request_agent"),
            models.Index(fields=["account", "contact", "-accepted_at"], name="chat_request_contact"),
        ]

    def __str__(self):
        return f"chat request {self.public_id} ({self.state})"


class ChatRing(TenantModel):
    """One agent rung for a request in one round."""

    RINGING, ACCEPTED, DECLINED, MISSED, CANCELLED = "ringing", "accepted", "declined", "missed", "cancelled"
    STATE_CHOICES = [
        (RINGING, _("Ringing")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
        (MISSED, _("Missed")),
        (CANCELLED, _("Cancelled")),
    ]

    request = models.ForeignKey(ChatRequest, on_delete=models.CASCADE, related_name="rings")
    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    round = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=RINGING)
    rung_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user", "round"], name="chat_ring_unique")]
        indexes = [models.Index(fields=["account", "user", "state"], name="chat_ring_agent")]


class ChatInvitation(TenantModel):
    """A colleague invited into a running chat."""

    request = models.ForeignKey(ChatRequest, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="chat_invitation_unique")]


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class PresenceChannel(models.TextChoices):
    CHAT = "chat", _("Chat")
    CALLS = "calls", _("Calls")


class PresenceInterval(TenantModel):
    """An agent online or away on one channel from ``started_at`` until ``ended_at`` (open while current).

    Offline is the absence of an open interval, so the rows are the availability history reports read.
    """

    MANUAL, IDLE, MISSED_CHATS, DISCONNECTED = "manual", "idle", "missed_chats", "disconnected"

    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=PresenceChannel.choices)
    state = models.CharField(max_length=8, choices=Presence.choices)
    reason = models.CharField(max_length=16, default=MANUAL)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "channel"],
                condition=models.Q(ended_at__isnull=True),
                name="presence_one_open_interval",
            )
        ]
        indexes = [models.Index(fields=["account", "channel", "state", "ended_at"], name="presence_current")]


class AgentConnection(TenantModel):
    """One open agent websocket; when an agent's last one closes, they go offline."""

    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField()
    node = models.CharField(max_length=64, blank=True, db_index=True)  # the WebNode holding the socket


class WebNode(models.Model):
    """A web process holding websockets (``helpline serve``). Its heartbeat says it is alive; the sockets it
    counted (agent connections, visitors in chats) are cleared by the sweep once it stops (routing.nodes)."""

    node_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.node_id
