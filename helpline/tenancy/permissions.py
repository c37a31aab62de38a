"""Permissions that roles grant. Owner > admin > agent; custom roles pick from ALL."""

from django.utils.translation import gettext_lazy as _

WORK_TICKETS = "tickets.work"
VIEW_ALL_TICKETS = "tickets.view_all"
MANAGE_AGENTS = "agents.manage"
MANAGE_AGENT_STATUSES = "agents.manage_statuses"
MANAGE_DEPARTMENTS = "departments.manage"
MANAGE_SETTINGS = "settings.manage"
MANAGE_API_KEYS = "api_keys.manage"
VIEW_REPORTS = "reports.view"
MANAGE_BILLING = "billing.manage"

ALL = {
    WORK_TICKETS: _("Work on tickets"),
    VIEW_ALL_TICKETS: _("See tickets of every department"),
    MANAGE_AGENTS: _("Manage agents"),
    MANAGE_AGENT_STATUSES: _("Manage agents' statuses"),
    MANAGE_DEPARTMENTS: _("Manage departments"),
    MANAGE_SETTINGS: _("Manage account settings"),
    MANAGE_API_KEYS: _("Manage API keys"),
    VIEW_REPORTS: _("View reports"),
    MANAGE_BILLING: _("Manage the plan and billing"),
}

_AGENT = frozenset({WORK_TICKETS, VIEW_ALL_TICKETS})
_ADMIN = frozenset(ALL) - {MANAGE_BILLING}

ROLE_PERMISSIONS = {
    "owner": frozenset(ALL),
    "admin": _ADMIN,
    "agent": _AGENT,
    "custom": frozenset(),
}
