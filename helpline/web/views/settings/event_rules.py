"""Settings → Event rules: the ordered list (enable, move up or down), the editor, "Test on ticket", the log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.automation import actions
from helpline.automation.compiler import compile_rule
from helpline.automation.editor import catalog
from helpline.automation.engine import dry_run
from helpline.automation.fields import custom_kinds_of
from helpline.automation.selectors import access_rule, execution_id, list_executions, list_rules
from helpline.automation.triggers import TRIGGERS
from helpline.conversations.access import access_ticket_by_code
from helpline.conversations.visibility import restricted_user_id
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy.usage import usage_of
from helpline.web.htmx import is_htmx
from helpline.web.views.settings.rule_lists import moved, save_rule, switched, tried_on_ticket
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "event_rules"


def _rule(request, public_id: str):
    """The rule of the current account, or 404."""
    try:
        return access_rule(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


NEW = {"name": "", "note": "", "trigger": "ticket_created", "enabled": True,
       "conditions": {"match": "all", "groups": []}, "actions": []}  # fmt: skip
LOG_SIZE = 20


@require_GET
@section_view(KEY)
def event_rules(request):
    account = request.membership.account
    rules = list_rules(account)
    context = {
        "rules": rules,
        "triggers": {key: t.label for key, t in TRIGGERS.items()},
        "usage": usage_of(account, "event_rules", used=len(rules)),
    }
    return render_section(request, KEY, "settings/event_rules.html", context)


def _posted(post) -> dict:
    values = {"name": post.get("name", ""), "note": post.get("note", ""), "trigger": post.get("trigger", ""),
              "enabled": post.get("enabled") == "on"}  # fmt: skip
    for name in ("conditions", "actions"):
        try:
            values[name] = json.loads(post.get(name) or ("{}" if name == "conditions" else "[]"))
        except ValueError:
            values[name] = None
    return values


def _render_form(request, *, rule=None, values=None, error: str = "", test=None, status: int | None = None):
    account = request.membership.account
    viewer = restricted_user_id(request.membership)  # the log of tickets the agent may see only
    context = {
        "rule": rule,
        "values": values or NEW,
        "error": error,
        "catalog": catalog(account),
        "test": test,
        "executions": list_executions(account, rule=rule, limit=LOG_SIZE, viewer=viewer) if rule else [],
    }
    return render_section(
        request, KEY, "settings/event_rule_form.html", context, status=status or (422 if error else 200)
    )


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values, account = _posted(request.POST), request.membership.account
    created = []
    error = save_rule(
        values, lambda v: created.append(actions.create_rule(account=account, actor=Actor(user=request.user), **v))
    )
    if error:
        return _render_form(request, values=values, error=error)
    messages.success(request, _("The event rule was saved."))
    return redirect("web:settings-event-rule", created[0].public_id)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    rule = _rule(request, public_id)
    if request.method == "GET":
        values = {name: getattr(rule, name) for name in NEW}
        return _render_form(request, rule=rule, values=values)
    values = _posted(request.POST)
    error = save_rule(values, lambda v: actions.update_rule(rule=rule, actor=Actor(user=request.user), **v))
    if error:
        rule.refresh_from_db()
        return _render_form(request, rule=rule, values=values, error=error)
    messages.success(request, _("The event rule was saved."))
    return redirect("web:settings-event-rule", rule.public_id)


@require_POST
@section_view(KEY)
def set_enabled(request, public_id):
    return switched(request, KEY, _rule(request, public_id), actions.set_rule_enabled)


@require_POST
@section_view(KEY)
def move(request, public_id):
    return moved(request, KEY, _rule(request, public_id), actions.move_rule)


@require_POST
@section_view(KEY)
def reorder(request):
    """The whole order at once (what dragging a row posts)."""
    try:
        actions.reorder_rules(
            account=request.membership.account, public_ids=request.POST.getlist("rule"), actor=Actor(user=request.user)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:settings-event-rules")
    return saved(request, KEY, _("The order was saved."))


@require_POST
@section_view(KEY)
def delete(request, public_id):
    rule = _rule(request, public_id)
    actions.delete_rule(rule=rule, actor=Actor(user=request.user))
    return saved(request, KEY, _("The event rule was deleted."))


@require_GET
@section_view(KEY)
def test(request, public_id):
    """What the saved rule would do to the ticket with this code now, without doing it."""
    account = request.membership.account
    rule = _rule(request, public_id)
    test = tried_on_ticket(request, lambda ticket: dry_run(compile_rule(rule, custom_kinds_of(account)), ticket))
    status = 422 if test["error"] else 200
    if is_htmx(request):
        return render(request, "settings/_event_rule_test.html", {"test": test}, status=status)
    values = {name: getattr(rule, name) for name in NEW}
    return _render_form(request, rule=rule, values=values, test=test, status=status)


@require_GET
@section_view(KEY)
def log(request):
    """What rules did, newest first: of one rule (``?rule=``), on one ticket (``?ticket=`` its code), or all."""
    account = request.membership.account
    rule = _rule(request, request.GET["rule"]) if request.GET.get("rule") else None
    code = request.GET.get("ticket", "").strip()[:32]
    ticket, error = None, ""
    if code:
        try:
            ticket = access_ticket_by_code(account, code, membership=request.membership)
        except NotFound:
            error = _("No ticket has the code %(code)s.") % {"code": code}
    before_id = execution_id(account, request.GET.get("before", ""))
    viewer = restricted_user_id(request.membership)  # the log of tickets the agent may see only
    page = [] if error else list_executions(account, rule=rule, ticket=ticket, before_id=before_id, limit=51,
                                            viewer=viewer)  # fmt: skip
    context = {"executions": page[:50], "more": page[49].public_id if len(page) > 50 else None, "filter_rule": rule,
               "code": code, "log_error": error}  # fmt: skip
    return render_section(request, KEY, "settings/event_rule_log.html", context, status=404 if error else 200)
