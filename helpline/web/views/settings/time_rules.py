"""Settings → Time rules: the ordered list (enable, move up or down), the editor (the event rules' conditions and
actions plus the clock, the wait and how it is counted), "Test on a ticket"."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.automation import actions
from helpline.automation.editor import catalog
from helpline.automation.models import TimeRule
from helpline.automation.selectors import access_time_rule, list_executions, list_time_rules
from helpline.automation.timerules.preview import preview
from helpline.automation.timerules.schema import EVENT_PREFIX
from helpline.conversations.visibility import restricted_user_id
from helpline.core.actors import Actor
from helpline.core.errors import NotFound
from helpline.tenancy.usage import usage_of
from helpline.web.htmx import is_htmx
from helpline.web.views.settings.rule_lists import moved, save_rule, switched, tried_on_ticket
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "time_rules"
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
NEW = {"name": "", "note": "", "clock": TimeRule.CUSTOMER_MESSAGE, "after_minutes": 24 * 60, "hours": "calendar",
       "calendar": None, "enabled": True, "conditions": {"match": "all", "groups": []}, "actions": []}  # fmt: skip
LOG_SIZE = 20


def _rule(request, public_id: str) -> TimeRule:
    try:
        return access_time_rule(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _calendars(account) -> list[list[str]]:
    from helpline.calendars.models import BusinessCalendar

    return [list(row) for row in BusinessCalendar.objects.filter(account=account).values_list("public_id", "name")]


def _catalog(account) -> dict:
    """The event rules' editor catalogue without the event's own fields (a time rule has no event)."""
    full = catalog(account)
    return {**full, "fields": [f for f in full["fields"] if not f["key"].startswith(EVENT_PREFIX)]}


def _after(minutes: int) -> tuple[int, str]:
    """The wait as the form shows it: in days or hours when it divides evenly."""
    for unit in ("days", "hours"):
        if minutes and minutes % UNITS[unit] == 0:
            return minutes // UNITS[unit], unit
    return minutes, "minutes"


def _values(rule: TimeRule) -> dict:
    return {**{name: getattr(rule, name) for name in NEW if name != "calendar"},
            "calendar": rule.calendar.public_id if rule.calendar_id else None}  # fmt: skip


@require_GET
@section_view(KEY)
def time_rules(request):
    account = request.membership.account
    rules = list_time_rules(account)
    context = {"rules": rules, "usage": usage_of(account, "time_rules", used=len(rules))}
    return render_section(request, KEY, "settings/time_rules.html", context)


def _posted(post) -> dict:
    values = {name: post.get(name, "") for name in ("name", "note", "clock", "hours")}
    values["enabled"] = post.get("enabled") == "on"
    values["calendar"] = post.get("calendar") or None
    try:
        values["after_minutes"] = int(post.get("after", "")) * UNITS.get(post.get("unit", ""), 1)
    except ValueError:
        values["after_minutes"] = post.get("after", "")  # the validator says what is wrong with it
    for name in ("conditions", "actions"):
        try:
            values[name] = json.loads(post.get(name) or ("{}" if name == "conditions" else "[]"))
        except ValueError:
            values[name] = None
    return values


def _render_form(request, *, rule=None, values=None, error: str = "", test=None, status: int | None = None):
    account = request.membership.account
    values = values or NEW
    minutes = values["after_minutes"]
    after, unit = _after(minutes) if isinstance(minutes, int) else (minutes, "minutes")
    viewer = restricted_user_id(request.membership)
    context = {
        "rule": rule, "values": values, "after": after, "unit": unit, "error": error, "test": test,
        "catalog": _catalog(account), "calendars": _calendars(account), "clocks": TimeRule.CLOCK_CHOICES,
        "executions": list_executions(account, time_rule=rule, limit=LOG_SIZE, viewer=viewer) if rule else [],
    }  # fmt: skip
    return render_section(
        request, KEY, "settings/time_rule_form.html", context, status=status or (422 if error else 200)
    )


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values, account = _posted(request.POST), request.membership.account
    created = []
    error = save_rule(
        values,
        lambda v: created.append(actions.create_time_rule(account=account, actor=Actor(user=request.user), **v)),
    )
    if error:
        return _render_form(request, values=values, error=error)
    messages.success(request, _("The time rule was saved."))
    return redirect("web:settings-time-rule", created[0].public_id)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    rule = _rule(request, public_id)
    if request.method == "GET":
        return _render_form(request, rule=rule, values=_values(rule))
    values = _posted(request.POST)
    error = save_rule(values, lambda v: actions.update_time_rule(rule=rule, actor=Actor(user=request.user), **v))
    if error:
        rule.refresh_from_db()
        return _render_form(request, rule=rule, values=values, error=error)
    messages.success(request, _("The time rule was saved."))
    return redirect("web:settings-time-rule", rule.public_id)


@require_POST
@section_view(KEY)
def set_enabled(request, public_id):
    return switched(request, KEY, _rule(request, public_id), actions.set_time_rule_enabled)


@require_POST
@section_view(KEY)
def move(request, public_id):
    return moved(request, KEY, _rule(request, public_id), actions.move_time_rule)


@require_POST
@section_view(KEY)
def delete(request, public_id):
    rule = _rule(request, public_id)
    actions.delete_time_rule(rule=rule, actor=Actor(user=request.user))
    return saved(request, KEY, _("The time rule was deleted."))


@require_GET
@section_view(KEY)
def test(request, public_id):
    """What the saved rule would do to the ticket with this code now, without doing it."""
    rule = _rule(request, public_id)
    test = tried_on_ticket(request, lambda ticket: preview(rule, ticket))
    status = 422 if test["error"] else 200
    if is_htmx(request):
        return render(request, "settings/_time_rule_test.html", {"test": test}, status=status)
    return _render_form(request, rule=rule, values=_values(rule), test=test, status=status)
