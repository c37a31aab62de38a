"""Tickets and everything said in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.conversations.statuses import Delivery, Direction, MessageKind, Priority, Status
from helpline.core.ids import new_ticket_code
from helpline.core.models import PublicIdField, TenantModel


class Tag(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=64)
    colour = models.CharField(_("colour"), max_length=7, default="#64748b")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="tag_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ticket(TenantModel):
    public_id = PublicIdField()
    code = models.CharField(max_length=16, default=new_ticket_code, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=16, default="web")
    contact = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="tickets")
    department = models.ForeignKey("tenancy.Department", null=True, blank=True, on_delete=models.SET_NULL)
    assignee = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL)
    brand = models.ForeignKey("tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, through="TicketTag", related_name="tickets")
    message_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the team owes the customer its next answer (the SLA due time; a default deadline when the
    # ticket has no SLA level), so "to solve" and SLA sweeps are one index range.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    # The clocks time rules and SLA count from (set by the conversation actions; null = never happened).
    status_changed_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    # A ticket merged into another one points at the survivor; its URL redirects there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "code"], name="ticket_unique_code")]
        # The inbox is keyset-paginated on (last_activity_at, id) newest first, under each filter.
        indexes = [
            models.Index(fields=["account", "-last_activity_at", "-id"], name="ticket_inbox"),
            models.Index(fields=["account", "status", "-last_activity_at", "-id"], name="ticket_inbox_status"),
            models.Index(fields=["account", "assignee", "-last_activity_at", "-id"], name="ticket_inbox_assignee"),
            models.Index(fields=["account", "department", "-last_activity_at", "-id"], name="ticket_inbox_department"),
            models.Index(fields=["account", "channel", "-last_activity_at", "-id"], name="ticket_inbox_channel"),
            models.Index(fields=["account", "status", "sla_due_at", "id"], name="ticket_due"),
            # Time rules pick their candidates by one of these clocks within an account.
            models.Index(fields=["account", "status_changed_at"], name="ticket_status_clock"),
            models.Index(fields=["account", "last_customer_message_at"], name="ticket_customer_clock"),
            models.Index(fields=["account", "last_agent_message_at"], name="ticket_agent_clock"),
            models.Index(fields=["account", "created_at"], name="ticket_created"),
            # Automatic assignment's load: each agent's waiting tickets. Assigned tickets only, so a new
            # unassigned ticket (every inbound mail) costs this index nothing.
            models.Index(
                fields=["account", "assignee", "status"],
                name="ticket_assignee_load",
                condition=models.Q(assignee__isnull=False),
            ),
        ]

    def __str__(self):
        return f"[#{self.code}] {self.subject}"


class TicketTag(TenantModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    # Copy of the ticket's activity time so "tickets with tag X, newest first" is one index range.
    last_activity_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique")]
        indexes = [models.Index(fields=["tag", "-last_activity_at", "-ticket"], name="ticket_tag_inbox")]


class Message(TenantModel):
    public_id = PublicIdField()
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    author_user = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL)
    author_contact = models.ForeignKey("people.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(max_length=255, blank=True)
    delivery_status = models.CharField(max_length=10, choices=Delivery.choices, blank=True, default="")
    delivery_error = models.TextField(blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    # Channel details the thread shows: for email to/cc/bcc, in_reply_to, references, mailbox, spam score.
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "id"], name="message_thread"),
            models.Index(fields=["account", "external_id"], name="message_external_id"),
        ]

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return self.author_user.display_name
        if self.author_contact_id:
            return self.author_contact.display_name
        return ""


class TicketParticipant(TenantModel):
    """Everyone the conversation is with: the requester and, for email, the people in To and CC."""

    REQUESTER, TO, CC = "requester", "to", "cc"
    ROLE_CHOICES = [(REQUESTER, _("Requester")), (TO, _("To")), (CC, _("CC"))]

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    contact = models.ForeignKey("people.Contact", on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=10, choices=ROLE_CHOICES, default=CC)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "contact"], name="participant_unique")]


class Attachment(TenantModel):
    public_id = PublicIdField()
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class CustomField(TenantModel):
    TEXT, NUMBER, DATE, DROPDOWN, CHECKBOX = "text", "number", "date", "dropdown", "checkbox"
    KIND_CHOICES = [
        (TEXT, _("Text")),
        (NUMBER, _("Number")),
        (DATE, _("Date")),
        (DROPDOWN, _("Dropdown")),
        (CHECKBOX, _("Checkbox")),
    ]
    TICKET, CONTACT = "ticket", "contact"

    public_id = PublicIdField()
    key = models.SlugField(max_length=64)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=KIND_CHOICES, default=TEXT)
    applies_to = models.CharField(max_length=10, choices=[(TICKET, _("Ticket")), (CONTACT, _("Contact"))])
    choices = models.JSONField(default=list, blank=True)
    # The order the side panel, forms and settings list the fields in (reorderable).
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "applies_to", "key"], name="custom_field_unique_key")]

    def __str__(self):
        return self.label


class CustomFieldValue(TenantModel):
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="field_values")
    contact = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="field_values"
    )
    value = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["field", "ticket"], name="field_value_unique_ticket"),
            models.UniqueConstraint(fields=["field", "contact"], name="field_value_unique_contact"),
        ]
