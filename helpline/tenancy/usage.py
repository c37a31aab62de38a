"""How much of each plan resource an account uses now."""

from __future__ import annotations

from collections.abc import Callable


def _counters() -> dict[str, Callable]:
    from helpline.automation.models import Rule, TimeRule
    from helpline.channels.chat.models import ChatButton
    from helpline.channels.email.models import Mailbox
    from helpline.replies.models import CannedMessage, PredefinedAnswer
    from helpline.security.models import ApiKey
    from helpline.sla.models import SlaLevel, SlaRule
    from helpline.tenancy.models import Department, Membership, Role
    from helpline.webhooks.models import Webhook

    return {
        "agents": lambda a: Membership.objects.filter(account=a, is_active=True).count(),
        "event_rules": lambda a: Rule.objects.filter(account=a).count(),
        "time_rules": lambda a: TimeRule.objects.filter(account=a).count(),
        "departments": lambda a: Department.objects.filter(account=a).count(),
        "mailboxes": lambda a: Mailbox.objects.filter(account=a).count(),
        "chat_buttons": lambda a: ChatButton.objects.filter(account=a).count(),
        "api_keys": lambda a: ApiKey.objects.filter(account=a, revoked_at__isnull=True).count(),
        "custom_roles": lambda a: Role.objects.filter(account=a).count(),
        "canned_messages": lambda a: CannedMessage.objects.filter(account=a).count(),
        "predefined_answers": lambda a: PredefinedAnswer.objects.filter(account=a).count(),
        "sla_levels": lambda a: SlaLevel.objects.filter(account=a).count(),
        "sla_rules": lambda a: SlaRule.objects.filter(account=a).count(),
        "webhooks": lambda a: Webhook.objects.filter(account=a).count(),
    }


def count_usage(account, resource: str) -> int:
    """Resources of features not built yet count zero."""
    counter = _counters().get(resource)
    return counter(account) if counter else 0


def usage_report(account) -> list[dict]:
    from helpline.tenancy.plans import RESOURCES, limit_for

    counters = _counters()
    return [
        {
            "key": key,
            "label": resource.label,
            "used": counters[key](account) if key in counters else None,
            "limit": limit_for(account.plan, key),
        }
        for key, resource in RESOURCES.items()
    ]


def usage_row(*, key: str, used: int | None, limit: int | None) -> dict:
    """How much of one limit is used: {key, used, limit, share (percent, None when not counted or unlimited),
    full}. The plan page and each resource's own screen show the same row."""
    share = None
    if used is not None and limit:
        share = min(100, round(100 * used / limit))
    elif used is not None and limit == 0:
        share = 100 if used else 0
    return {
        "key": key,
        "used": used,
        "limit": limit,
        "share": share,
        "full": limit is not None and used is not None and used >= limit,
    }


def usage_of(account, resource: str, *, used: int | None = None) -> dict:
    """The usage row of one resource (``used`` when the caller has already counted it)."""
    from helpline.tenancy.plans import limit_for

    count = count_usage(account, resource) if used is None else used
    return usage_row(key=resource, used=count, limit=limit_for(account.plan, resource))
