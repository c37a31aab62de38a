"""Visitor monitoring for live chat: the account's privacy settings, visits and their page views (reported by the
widget), proactive invitation rules and the invitations shown to visitors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 730
MAX_URL = 2000
MAX_TITLE = 300


class TrackingSettings(models.Model):
    """One row per account (absent: the defaults below)."""

    account = models.OneToOneField("tenancy.Account", on_delete=models.CASCADE, related_name="+")
    page_tracking = models.BooleanField(_("track the pages visitors view"), default=True)
    anonymise_ips = models.BooleanField(_("anonymise IP addresses"), default=False)
    honour_dnt = models.BooleanField(_("honour Do Not Track"), default=True)
    retention_days = models.PositiveSmallIntegerField(_("keep visitor data for (days)"), default=DEFAULT_RETENTION_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"tracking settings of account {self.account_id}"


class Visit(TenantModel):
    """A visitor's stay on the site: page views with no gap longer than ``VISIT_GAP`` (see tracking.py)."""

    public_id = PublicIdField()
    button = models.ForeignKey("chat_channel.ChatButton", on_delete=models.CASCADE, related_name="+")
    visitor_id = models.CharField(max_length=64)
    number = models.PositiveIntegerField()  # 1 for the visitor's first visit, 2 for the next…
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    connections = models.PositiveIntegerField(default=0)  # widget sockets open on this visit's pages now
    page_views = models.PositiveIntegerField(default=0)
    current_url = models.CharField(max_length=MAX_URL, blank=True)
    current_title = models.CharField(max_length=MAX_TITLE, blank=True)
    referrer = models.CharField(max_length=MAX_URL, blank=True)  # where the visit came from (its first page's)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    device = models.CharField(max_length=10, blank=True)  # desktop, mobile, tablet, bot
    browser = models.CharField(max_length=40, blank=True)
    os = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "visitor_id", "number"], name="chat_visit_unique_number"),
        ]
        indexes = [
            models.Index(fields=["account", "visitor_id", "-number"], name="chat_visit_visitor"),
            models.Index(fields=["account", "last_seen_at"], name="chat_visit_seen"),
        ]


class PageView(TenantModel):
    public_id = PublicIdField()
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="views")
    url = models.CharField(max_length=MAX_URL)
    title = models.CharField(max_length=MAX_TITLE, blank=True)
    referrer = models.CharField(max_length=MAX_URL, blank=True)
    viewed_at = models.DateTimeField()
    seconds_on_page = models.PositiveIntegerField(null=True, blank=True)  # visible time, reported on leave

    class Meta:
        indexes = [models.Index(fields=["visit", "-id"], name="chat_pageview_visit")]


class InvitationRule(TenantModel):
    """Show an invitation bubble when every condition holds (zero or blank: no condition)."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    button = models.ForeignKey(
        "chat_channel.ChatButton", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # blank: every button of the account
    url_pattern = models.CharField(_("page address pattern"), max_length=500, blank=True)
    min_seconds_on_page = models.PositiveIntegerField(_("time on page (seconds)"), default=0)
    min_page_views = models.PositiveIntegerField(_("pages viewed in this visit"), default=0)
    min_visits = models.PositiveIntegerField(_("visits"), default=0)
    referrer_contains = models.CharField(_("came from an address containing"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500)
    is_active = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="chat_invitation_rule_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Invitation(TenantModel):
    """One invitation to a visit: from a rule (created when the widget shows it) or from an agent."""

    public_id = PublicIdField()
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="invitations")
    rule = models.ForeignKey(
        InvitationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    agent = models.ForeignKey("tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    shown_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "rule"], condition=models.Q(rule__isnull=False), name="chat_invitation_once_per_rule"
            ),
        ]
        indexes = [models.Index(fields=["account", "rule"], name="chat_invitation_rule")]
