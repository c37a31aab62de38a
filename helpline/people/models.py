"""Customers: contacts, how to reach them, their companies and groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel


class Company(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        indexes = [models.Index(fields=["account", "name"], name="company_name")]

    def __str__(self):
        return self.name


class Contact(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=200, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL)
    primary_email = models.EmailField(_("email"), blank=True)
    # Set on the contact that stands for an agent as the requester of the internal tickets they open (agent to
    # agent, no customer); such contacts are left out of the contact lists and never receive mail.
    agent = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-id"], name="contact_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "agent"], condition=models.Q(agent__isnull=False), name="contact_one_per_agent"
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.primary_email or str(_("Visitor"))


class ContactIdentity(TenantModel):
    EMAIL, PHONE, VISITOR = "email", "phone", "visitor"
    KIND_CHOICES = [
        (EMAIL, _("Email")),
        (PHONE, _("Phone")),
        (VISITOR, _("Visitor id")),
        ("whatsapp", "WhatsApp"),
        ("messenger", "Messenger"),
        ("instagram", "Instagram"),
        ("viber", "Viber"),
        ("telegram", "Telegram"),
        ("x", "X"),
    ]

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    value = models.CharField(max_length=320)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind", "value"], name="identity_unique_per_account")]


class ContactGroup(TenantModel):
    """A segment: contacts added by hand and/or every contact matching a rule (see people.segments)."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    contacts = models.ManyToManyField(Contact, related_name="groups", blank=True)
    # {"match": "all"|"any", "conditions": [{"field": …, "op": …, "value": …}]}; empty: members by hand only.
    rule = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="contact_group_unique_name")]

    def __str__(self):
        return self.name


class ContactNote(TenantModel):
    """A private note of the team about a contact. Agents only: never shown to the customer."""

    public_id = PublicIdField()
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["contact", "-id"], name="contact_note_recent")]


class ContactImport(TenantModel):
    """One CSV upload: previewed first, then imported row by row by a task; per-row errors kept for the report."""

    PREVIEW, QUEUED, RUNNING, DONE, FAILED = "preview", "queued", "running", "done", "failed"
    STATUS_CHOICES = [
        (PREVIEW, _("Previewed")),
        (QUEUED, _("Queued")),
        (RUNNING, _("Importing")),
        (DONE, _("Done")),
        (FAILED, _("Failed")),
    ]

    public_id = PublicIdField()
    created_by = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    source = models.TextField()  # the CSV text as uploaded (decoded)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": n, "message": "…"}]
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
