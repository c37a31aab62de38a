"""What the ordered rule lists of Settings (event rules, time rules) do alike: save the editor's posted rule,
switch a rule on or off, move it up or down, try a saved rule on a ticket. Each list passes its own action."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.automation.editor import choice_labels, describe_field, where_label
from helpline.automation.schema import RuleInvalid
from helpline.conversations.access import access_ticket_by_code
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.web.views.settings.sections import saved


def save_rule(values: dict, save) -> str:
    """Run ``save`` with the posted values; the error to show, or ""."""
    for name in ("conditions", "actions"):
        if values[name] is None:
            return _("The rule's %(part)s could not be read; reload the page and try again.") % {"part": name}
    try:
        save(values)
    except RuleInvalid as exc:
        return f"{where_label(exc.field)}: {exc.message}" if where_label(exc.field) else str(exc.message)
    except DomainError as exc:
        return str(exc.message)
    return ""


def switched(request, key: str, rule, set_enabled):
    """The posted on/off through ``set_enabled(rule=, enabled=, actor=)``."""
    enabled = request.POST.get("enabled") == "on"
    set_enabled(rule=rule, enabled=enabled, actor=Actor(user=request.user))
    return saved(request, key, _("The rule is on.") if enabled else _("The rule is off."))


def moved(request, key: str, rule, move):
    """The posted direction through ``move(rule=, offset=, actor=)``."""
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return saved(request, key, _("Nothing was moved."))
    move(rule=rule, offset=offset, actor=Actor(user=request.user))
    return saved(request, key, _("The order was saved."))


def tried_on_ticket(request, run) -> dict:
    """The rule tried on the ticket whose code is ``?ticket=``: ``run(ticket)`` says what it would do now, without
    doing it. {"code", "result" (its conditions described for the page), "error"} for the test panel."""
    account = request.membership.account
    code = request.GET.get("ticket", "").strip()[:32]
    result, error = None, ""
    try:
        ticket = access_ticket_by_code(account, code, membership=request.membership)
        result = run(ticket)
        result["ticket"] = ticket
        labels = choice_labels(account)
        for group in result["groups"]:
            for condition in group["conditions"]:
                condition.update(describe_field(condition, labels))
    except NotFound:
        error = _("No ticket has the code %(code)s.") % {"code": code} if code else _("Enter a ticket's code.")
    except DomainError as exc:
        error = str(exc.message)
    return {"code": code, "result": result, "error": error}
