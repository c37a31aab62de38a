"""Reading event rules, time rules and their execution log, always within one account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.automation.models import Rule, RuleExecution, TimeRule
from helpline.core.errors import NotFound


def list_rules(account) -> list[Rule]:
    """In the order they run. The plan bounds their number (1,000 rules render in one page)."""
    return list(Rule.objects.filter(account=account).order_by("position", "id"))


def access_rule(account, public_id: str) -> Rule:
    rule = Rule.objects.filter(account=account, public_id=public_id).select_related("account").first()
    if rule is None:
        raise NotFound(_("No such event rule."))
    return rule


def list_time_rules(account) -> list[TimeRule]:
    """In the order they run, with their calendars."""
    return list(TimeRule.objects.filter(account=account).select_related("calendar").order_by("position", "id"))


def access_time_rule(account, public_id: str) -> TimeRule:
    rule = TimeRule.objects.filter(account=account, public_id=public_id).select_related("account", "calendar").first()
    if rule is None:
        raise NotFound(_("No such time rule."))
    return rule


def list_executions(
    account,
    *,
    rule=None,
    ticket=None,
    before_id: int | None = None,
    limit: int = 50,
    viewer: int | None = None,
    time_rule=None,
):
    """Newest first; keyset-paginated on the id. ``viewer`` (conversations.visibility.restricted_user_id): only the
    executions on tickets that agent may see."""
    from helpline.conversations.visibility import visible_q

    qs = RuleExecution.objects.filter(visible_q(account.pk, viewer, via="ticket__"), account=account)
    qs = qs.select_related("ticket", "rule", "time_rule")
    if rule is not None:
        qs = qs.filter(rule=rule)
    if time_rule is not None:
        qs = qs.filter(time_rule=time_rule)
    if ticket is not None:
        qs = qs.filter(ticket=ticket)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return list(qs.order_by("-id")[:limit])


def execution_id(account, public_id: str) -> int | None:
    """The key of the log entry a page continues after ("before" in a URL is its public id)."""
    if not public_id:
        return None
    return RuleExecution.objects.filter(account=account, public_id=public_id[:16]).values_list("id", flat=True).first()
