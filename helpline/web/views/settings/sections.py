"""The settings sections, who may open each, and the shared page rendering."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from helpline.tenancy import permissions as perms
from helpline.web.decorators import workspace_view


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    permissions: tuple[str, ...]  # any one of them opens the section
    personal: bool = False  # every member's own page (no permission): listed, but never what opens Settings


SECTIONS = {
    s.key: s
    for s in [
        Section("account", _("Account"), "web:settings-account", (perms.MANAGE_SETTINGS,)),
        Section("agents", _("Agents"), "web:settings-agents", (perms.MANAGE_AGENTS,)),
        Section("departments", _("Departments"), "web:settings-departments", (perms.MANAGE_DEPARTMENTS,)),
        Section("roles", _("Roles"), "web:settings-roles", (perms.MANAGE_AGENTS,)),
        Section("brands", _("Brands"), "web:settings-brands", (perms.MANAGE_SETTINGS,)),
        Section("custom_fields", _("Custom fields"), "web:settings-custom-fields", (perms.MANAGE_SETTINGS,)),
        Section("api_keys", _("API keys"), "web:settings-api-keys", (perms.MANAGE_API_KEYS,)),
        Section("routing", _("Chat routing"), "web:settings-routing", (perms.MANAGE_SETTINGS,)),
        Section("bans", _("Banned visitors"), "web:settings-bans", (perms.MANAGE_SETTINGS,)),
        Section("chat_privacy", _("Visitor privacy"), "web:settings-chat-privacy", (perms.MANAGE_SETTINGS,)),
        Section("chat_invitations", _("Chat invitations"), "web:settings-chat-invitations", (perms.MANAGE_SETTINGS,)),
        Section("plan", _("Plan and usage"), "web:settings-plan", (perms.MANAGE_BILLING, perms.MANAGE_SETTINGS)),
        Section("mailboxes", _("Mailboxes"), "web:settings-mailboxes", (perms.MANAGE_SETTINGS,)),
        Section("chat_buttons", _("Chat buttons"), "web:settings-chat-buttons", (perms.MANAGE_SETTINGS,)),
        Section("email_templates", _("Email templates"), "web:settings-email-templates", (perms.MANAGE_SETTINGS,)),
        Section("webhooks", _("Webhooks"), "web:settings-webhooks", (perms.MANAGE_SETTINGS,)),
        Section("event_rules", _("Event rules"), "web:settings-event-rules", (perms.MANAGE_SETTINGS,)),
        Section("time_rules", _("Time rules"), "web:settings-time-rules", (perms.MANAGE_SETTINGS,)),
        Section("sla_levels", _("SLA levels"), "web:settings-sla-levels", (perms.MANAGE_SETTINGS,)),
        Section("sla_rules", _("SLA rules"), "web:settings-sla-rules", (perms.MANAGE_SETTINGS,)),
        Section("replacements", _("Search and replace"), "web:settings-replacements", (perms.MANAGE_SETTINGS,)),
        Section("profile", _("My profile"), "web:settings-profile", (), personal=True),
        Section("canned_messages", _("Canned messages"), "web:settings-canned-messages", (), personal=True),
        Section("predefined_answers", _("Predefined answers"), "web:settings-predefined-answers", (), personal=True),
        Section("sounds", _("Notification sounds"), "web:settings-sounds", (), personal=True),
        Section("notifications", _("Notifications"), "notifications:preferences", (), personal=True),
    ]
}


def visible_sections(membership, *, personal: bool = False) -> list[Section]:
    """The sections this member may open; with ``personal``, their own pages (My profile) too."""
    return [
        s
        for s in SECTIONS.values()
        if (s.personal and personal) or (not s.personal and any(membership.has_perm(p) for p in s.permissions))
    ]


def section_view(key: str):
    """workspace_view with the section's permissions: agents without them get 403."""
    return workspace_view(*SECTIONS[key].permissions)


def render_section(request, key: str, template: str, context: dict, *, status: int = 200):
    sections = visible_sections(request.membership, personal=True)
    context = {**context, "sections": sections, "section": SECTIONS[key], "nav": "settings"}
    return render(request, template, context, status=status)


def saved(request, key: str, message: str):
    """After a successful change: say so and show the section again (POST, redirect, GET)."""
    messages.success(request, message)
    return redirect(SECTIONS[key].url_name)


@require_GET
@workspace_view()
def settings_home(request):
    sections = visible_sections(request.membership)
    if not sections:
        raise PermissionDenied
    return redirect(sections[0].url_name)
