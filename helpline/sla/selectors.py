"""Reading SLA levels, rules and ticket clocks, always within one account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.core.errors import NotFound
from helpline.sla.models import SlaLevel, SlaRule, SlaState


def list_levels(account) -> list[SlaLevel]:
    return list(SlaLevel.objects.filter(account=account).select_related("calendar").order_by("name", "id"))


def list_rules(account) -> list[SlaRule]:
    return list(SlaRule.objects.filter(account=account).select_related("level").order_by("position", "id"))


def sla_level_by_id(account_id: int, public_id: str) -> SlaLevel | None:
    return SlaLevel.objects.filter(account_id=account_id, public_id=str(public_id)[:16]).first()


def access_level(account, public_id: str) -> SlaLevel:
    level = SlaLevel.objects.select_related("calendar").filter(account=account, public_id=str(public_id)[:16]).first()
    if level is None:
        raise NotFound(_("No such SLA level."))
    return level


def access_sla_rule(account, public_id: str) -> SlaRule:
    rule = SlaRule.objects.select_related("level").filter(account=account, public_id=str(public_id)[:16]).first()
    if rule is None:
        raise NotFound(_("No such SLA rule."))
    return rule


def state_of_ticket(ticket) -> SlaState | None:
    return (
        SlaState.objects.select_related("level", "level__calendar")
        .filter(ticket_id=ticket.pk, account_id=ticket.account_id)
        .first()
    )


def level_of_ticket(ticket) -> SlaLevel | None:
    state = state_of_ticket(ticket)
    return state.level if state is not None else None
