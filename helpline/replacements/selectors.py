"""Reads of replacement rules, always scoped to one account."""

from __future__ import annotations

from helpline.core.errors import NotFound
from helpline.replacements.models import ReplacementRule


def list_rules(account) -> list[ReplacementRule]:
    """Every rule of the account in the order they run (one query)."""
    return list(ReplacementRule.objects.filter(account=account).order_by("position", "id"))


def access_rule(account, public_id: str) -> ReplacementRule:
    rule = ReplacementRule.objects.filter(account=account, public_id=public_id).first()
    if rule is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such replacement rule."))
    return rule
