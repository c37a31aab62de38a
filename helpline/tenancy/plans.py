"""Plan presets and their limits, as on the pricing page.

``None`` means unlimited. ``ensure_within_limit(account, resource)`` is the one check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from helpline.core.errors import LimitReached

FREE, SMALL, MEDIUM, LARGE, ENTERPRISE = "free", "small", "medium", "large", "enterprise"


@dataclass(frozen=True)
class Resource:
    key: str
    label: str


RESOURCES = {
    r.key: r
    for r in [
        Resource("agents", _("Agents")),
        Resource("mailboxes", _("Mail accounts")),
        Resource("chat_buttons", _("Chat buttons")),
        Resource("departments", _("Departments")),
        Resource("knowledge_bases", _("Knowledge bases")),
        Resource("event_rules", _("Event rules")),
        Resource("time_rules", _("Time rules")),
        Resource("sla_rules", _("SLA rules")),
        Resource("sla_levels", _("SLA levels")),
        Resource("api_keys", _("API keys")),
        Resource("ticket_filters_per_agent", _("Ticket filters per agent")),
        Resource("custom_roles", _("Custom roles")),
        Resource("canned_messages", _("Canned messages")),
        Resource("predefined_answers", _("Predefined answers")),
        Resource("history_days", _("Ticket history (days)")),
        Resource("webhooks", _("Webhooks")),
    ]
}

PLAN_LABELS = {
    FREE: _("Free"),
    SMALL: _("Small"),
    MEDIUM: _("Medium"),
    LARGE: _("Large"),
    ENTERPRISE: _("Enterprise"),
}

# fmt: off
PLAN_LIMITS: dict[str, dict[str, int | None]] = {
    FREE:       {"agents": 1,    "mailboxes": 1,    "chat_buttons": 1,    "departments": 1,    "knowledge_bases": 1,
                 "event_rules": 0, "time_rules": 0, "sla_rules": 0, "api_keys": 1, "ticket_filters_per_agent": 1,
                 "sla_levels": 0, "custom_roles": 0, "history_days": 7,
                 "canned_messages": 10, "predefined_answers": 5, "webhooks": 1},
    SMALL:      {"agents": None, "mailboxes": 40,   "chat_buttons": 1,    "departments": 1,    "knowledge_bases": 1,
                 "event_rules": 0, "time_rules": 0, "sla_rules": 0, "api_keys": 1, "ticket_filters_per_agent": 1,
                 "sla_levels": 0, "custom_roles": 0, "history_days": None,
                 "canned_messages": 50, "predefined_answers": 20, "webhooks": 5},
    MEDIUM:     {"agents": None, "mailboxes": 60,   "chat_buttons": 10,   "departments": 5,    "knowledge_bases": 1,
                 "event_rules": 5, "time_rules": 5, "sla_rules": 1, "api_keys": 1, "ticket_filters_per_agent": 5,
                 "sla_levels": 1, "custom_roles": 0, "history_days": None,
                 "canned_messages": 200, "predefined_answers": 50, "webhooks": 10},
    LARGE:      {"agents": None, "mailboxes": 100,  "chat_buttons": 20,   "departments": 10,   "knowledge_bases": 1,
                 "event_rules": 10, "time_rules": 10, "sla_rules": 5, "api_keys": 5, "ticket_filters_per_agent": 10,
                 "sla_levels": 5, "custom_roles": 3, "history_days": None,
                 "canned_messages": 1000, "predefined_answers": 200, "webhooks": 25},
    ENTERPRISE: {"agents": None, "mailboxes": None, "chat_buttons": None, "departments": None, "knowledge_bases": 5,
                 "event_rules": None, "time_rules": None, "sla_rules": None, "api_keys": None,
                 "ticket_filters_per_agent": None, "sla_levels": None, "custom_roles": None, "history_days": None,
                 "canned_messages": None, "predefined_answers": None,
                 "webhooks": 100},  # the webhooks list is not paginated: even "unlimited" stops at 100
}
# fmt: on


def limit_for(plan: str, resource: str) -> int | None:
    if resource not in RESOURCES:
        raise KeyError(resource)
    return PLAN_LIMITS[plan][resource]


def ensure_within_limit(account, resource: str, *, adding: int = 1, current: int | None = None) -> None:
    """Raise LimitReached when adding ``adding`` more of ``resource`` would exceed the account's plan."""
    from helpline.tenancy.usage import count_usage

    limit = limit_for(account.plan, resource)
    if limit is None:
        return
    used = count_usage(account, resource) if current is None else current
    if used + adding > limit:
        raise LimitReached(
            _("Your %(plan)s plan allows %(limit)d %(resource)s; you have %(used)d. Upgrade to add more.")
            % {
                "plan": PLAN_LABELS[account.plan],
                "limit": limit,
                "resource": str(RESOURCES[resource].label).lower(),
                "used": used,
            }
        )
