"""Ticket statuses (LiveAgent's set), priorities, message kinds and directions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    POSTPONED = "postponed", _("Postponed")
    RESOLVED = "resolved", _("Resolved")
    SPAM = "spam", _("Spam")
    DELETED = "deleted", _("Deleted")
    CHATTING = "chatting", _("Chatting")
    CALLING = "calling", _("Calling")


# Statuses an agent may set by hand; chatting and calling follow live sessions.
SETTABLE_STATUSES = [
    Status.NEW,
    Status.OPEN,
    Status.ANSWERED,
    Status.POSTPONED,
    Status.RESOLVED,
    Status.SPAM,
    Status.DELETED,
]
# Tickets that wait on the team.
WAITING_STATUSES = [Status.NEW, Status.OPEN]
# A customer message reopens these.
REOPENED_BY_CUSTOMER = [Status.ANSWERED, Status.POSTPONED, Status.RESOLVED]


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


PRIORITY_NAMES = {p.value: p.name.lower() for p in Priority}
PRIORITY_BY_NAME = {name: value for value, name in PRIORITY_NAMES.items()}


class MessageKind(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    CALL = "call", _("Call")
    FORM = "form", _("Contact form")
    SOCIAL = "social", _("Social")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")
    WEB = "web", _("Web")


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")
    INTERNAL = "internal", _("Internal")


class Delivery(models.TextChoices):
    NONE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RETRYING = "retrying", _("Retrying")
