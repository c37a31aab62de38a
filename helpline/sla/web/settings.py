"""Settings → SLA levels and Settings → SLA rules: lists, forms, order; every write through helpline.sla.actions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.automation.editor import catalog, where_label
from helpline.conversations.statuses import PRIORITY_NAMES, Priority
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.sla import actions
from helpline.sla.models import TARGET_LABELS, TARGETS, SlaLevel
from helpline.sla.selectors import access_level, access_sla_rule, list_levels, list_rules
from helpline.tenancy.usage import usage_of
from helpline.web.views.settings.rule_lists import moved
from helpline.web.views.settings.sections import render_section, saved, section_view

LEVELS, RULES = "sla_levels", "sla_rules"


def _or_404(fetch, request, public_id):
    try:
        return fetch(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _error(exc: DomainError) -> str:
    field = getattr(exc, "field", "")
    label = where_label(field) if field.startswith(("conditions", "actions")) else ""
    return f"{label}: {exc.message}" if label else str(exc.message)


# --- levels ------------------------------------------------------------------------------------------------------


@require_GET
@section_view(LEVELS)
def levels(request):
    account = request.membership.account
    items = list_levels(account)
    context = {"levels": items, "usage": usage_of(account, "sla_levels", used=len(items))}
    return render_section(request, LEVELS, "sla/levels.html", context)


def _level_values(post) -> dict:
    targets = {
        target: {PRIORITY_NAMES[p.value]: post.get(f"t-{target}-{PRIORITY_NAMES[p.value]}", "") for p in Priority}
        for target in TARGETS
    }
    return {
        "name": post.get("name", ""),
        "calendar": post.get("calendar", "") or None,
        "targets": targets,
        "warning_kind": post.get("warning_kind", SlaLevel.MINUTES),
        "warning_value": post.get("warning_value", "0") or 0,
    }


def _level_form(request, *, level=None, values=None, error="", status=None):
    from helpline.calendars.models import BusinessCalendar

    account = request.membership.account
    values = values or {"name": "", "calendar": None, "targets": {}, "warning_kind": "minutes", "warning_value": 0}
    grid = [
        {
            "key": target,
            "label": TARGET_LABELS[target],
            "cells": [
                {
                    "name": f"t-{target}-{PRIORITY_NAMES[p.value]}",
                    "label": p.label,
                    "value": (values["targets"].get(target) or {}).get(PRIORITY_NAMES[p.value]) or "",
                }
                for p in Priority
            ],
        }
        for target in TARGETS
    ]
    context = {
        "level": level,
        "values": values,
        "grid": grid,
        "priorities": [p.label for p in Priority],
        "calendars": BusinessCalendar.objects.filter(account=account).order_by("name").values_list("public_id", "name"),
        "warning_kinds": SlaLevel.WARNING_KINDS,
        "error": error,
    }
    return render_section(request, LEVELS, "sla/level_form.html", context, status=status or (422 if error else 200))


@require_http_methods(["GET", "POST"])
@section_view(LEVELS)
def create_level(request):
    if request.method == "GET":
        return _level_form(request)
    values = _level_values(request.POST)
    try:
        level = actions.create_level(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _level_form(request, values=values, error=_error(exc))
    messages.success(request, _("The SLA level was saved."))
    return redirect("web:settings-sla-level", level.public_id)


@require_http_methods(["GET", "POST"])
@section_view(LEVELS)
def edit_level(request, public_id):
    level = _or_404(access_level, request, public_id)
    if request.method == "GET":
        values = {
            "name": level.name,
            "calendar": level.calendar.public_id if level.calendar_id else None,
            "targets": level.targets,
            "warning_kind": level.warning_kind,
            "warning_value": level.warning_value,
        }
        return _level_form(request, level=level, values=values)
    values = _level_values(request.POST)
    try:
        actions.update_level(level=level, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _level_form(request, level=level, values=values, error=_error(exc))
    messages.success(request, _("The SLA level was saved."))
    return redirect("web:settings-sla-level", level.public_id)


@require_POST
@section_view(LEVELS)
def delete_level(request, public_id):
    level = _or_404(access_level, request, public_id)
    try:
        actions.delete_level(level=level, actor=Actor(user=request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:settings-sla-level", level.public_id)
    return saved(request, LEVELS, _("The SLA level was deleted."))


# --- rules -------------------------------------------------------------------------------------------------------


@require_GET
@section_view(RULES)
def rules(request):
    account = request.membership.account
    items = list_rules(account)
    context = {"rules": items, "usage": usage_of(account, "sla_rules", used=len(items))}
    return render_section(request, RULES, "sla/rules.html", context)


def _rule_values(post) -> dict:
    try:
        conditions = json.loads(post.get("conditions") or "{}")
    except ValueError:
        conditions = None
    return {
        "name": post.get("name", ""),
        "level": post.get("level", ""),
        "enabled": post.get("enabled") == "on",
        "conditions": conditions,
    }


def _rule_form(request, *, rule=None, values=None, error="", status=None):
    account = request.membership.account
    values = values or {"name": "", "level": "", "enabled": True, "conditions": {"match": "all", "groups": []}}
    context = {
        "rule": rule,
        "values": values,
        "editor_values": {"conditions": values.get("conditions") or {}, "actions": [], "trigger": "ticket_created"},
        "catalog": catalog(account),
        "levels": list_levels(account),
        "error": error,
    }
    return render_section(request, RULES, "sla/rule_form.html", context, status=status or (422 if error else 200))


def _save_rule(values, save) -> str:
    if values["conditions"] is None:
        return _("The rule's conditions could not be read; reload the page and try again.")
    try:
        save(values)
    except DomainError as exc:
        return _error(exc)
    return ""


@require_http_methods(["GET", "POST"])
@section_view(RULES)
def create_rule(request):
    if request.method == "GET":
        return _rule_form(request)
    values, made = _rule_values(request.POST), []
    account = request.membership.account
    error = _save_rule(
        values, lambda v: made.append(actions.create_rule(account=account, actor=Actor(user=request.user), **v))
    )
    if error:
        return _rule_form(request, values=values, error=error)
    messages.success(request, _("The SLA rule was saved."))
    return redirect("web:settings-sla-rule", made[0].public_id)


@require_http_methods(["GET", "POST"])
@section_view(RULES)
def edit_rule(request, public_id):
    rule = _or_404(access_sla_rule, request, public_id)
    if request.method == "GET":
        values = {"name": rule.name, "level": rule.level.public_id, "enabled": rule.enabled,
                  "conditions": rule.conditions}  # fmt: skip
        return _rule_form(request, rule=rule, values=values)
    values = _rule_values(request.POST)
    error = _save_rule(values, lambda v: actions.update_rule(rule=rule, actor=Actor(user=request.user), **v))
    if error:
        return _rule_form(request, rule=rule, values=values, error=error)
    messages.success(request, _("The SLA rule was saved."))
    return redirect("web:settings-sla-rule", rule.public_id)


@require_POST
@section_view(RULES)
def move_rule(request, public_id):
    return moved(request, RULES, _or_404(access_sla_rule, request, public_id), actions.move_rule)


@require_POST
@section_view(RULES)
def delete_rule(request, public_id):
    rule = _or_404(access_sla_rule, request, public_id)
    actions.delete_rule(rule=rule, actor=Actor(user=request.user))
    return saved(request, RULES, _("The SLA rule was deleted."))
