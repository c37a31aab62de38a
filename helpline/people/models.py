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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-id"], name="contact_recent")]

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
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    contacts = models.ManyToManyField(Contact, related_name="groups", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="contact_group_unique_name")]

    def __str__(self):
        return self.name
