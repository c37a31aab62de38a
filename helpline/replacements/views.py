"""Settings → Search and replace: the ordered rules (enable, move, delete), a form to add one and to change one."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.replacements import actions
from helpline.replacements.patterns import InvalidRule
from helpline.replacements.selectors import access_rule, list_rules
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "replacements"
TEMPLATE = "replacements/settings.html"
BOOLEANS = ("is_regex", "case_sensitive", "in_subject", "in_body", "enabled")
NEW = {"name": "", "pattern": "", "replacement": "", "is_regex": False, "case_sensitive": False,
       "in_subject": True, "in_body": True, "channels": [], "enabled": True}  # fmt: skip


def _rule(request, public_id: str):
    try:
        return access_rule(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _posted(post) -> dict:
    values = {name: post.get(name, "") for name in ("name", "pattern", "replacement")}
    values.update({name: post.get(name) == "on" for name in BOOLEANS})
    values["channels"] = post.getlist("channels")
    return values


def _render(request, *, values=None, editing=None, error: str = "", error_field: str = ""):
    context = {
        "rules": list_rules(request.membership.account),
        "values": values or NEW,
        "editing": editing,
        "channel_kinds": actions.channel_kinds(),
        "error": error,
        "error_for": "form" if error else "",
        "error_field": error_field,
    }
    return render_section(request, KEY, TEMPLATE, context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def rules(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = _posted(request.POST)
    try:
        actions.create_rule(account=request.membership.account, actor=Actor(user=request.user), **values)
    except InvalidRule as exc:
        return _render(request, values=values, error=exc.message, error_field=exc.field)
    except DomainError as exc:
        return _render(request, values=values, error=exc.message)
    return saved(request, KEY, _("The rule was added."))


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    rule = _rule(request, public_id)
    if request.method == "GET":
        return _render(request, values={field: getattr(rule, field) for field in NEW}, editing=rule)
    values = _posted(request.POST)
    try:
        actions.update_rule(rule=rule, actor=Actor(user=request.user), **values)
    except InvalidRule as exc:
        return _render(request, values=values, editing=rule, error=exc.message, error_field=exc.field)
    return saved(request, KEY, _("The rule was saved."))


@require_POST
@section_view(KEY)
def move(request, public_id):
    rule = _rule(request, public_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    actions.move_rule(rule=rule, offset=offset, actor=Actor(user=request.user))
    return saved(request, KEY, _("The order was saved."))


@require_POST
@section_view(KEY)
def delete(request, public_id):
    actions.delete_rule(rule=_rule(request, public_id), actor=Actor(user=request.user))
    return saved(request, KEY, _("The rule was deleted."))
