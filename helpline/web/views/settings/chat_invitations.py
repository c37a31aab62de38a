"""Proactive chat invitations: rules that show visitors an invitation bubble (page address, time on page, pages
viewed, visits, where they came from), with how often each was shown and accepted."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpline.channels.chat.monitoring import actions
from helpline.channels.chat.monitoring.selectors import access_invitation_rule, list_invitation_rules
from helpline.channels.chat.selectors import list_chat_buttons
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "chat_invitations"
TEXTS = ("name", "url_pattern", "referrer_contains", "message")
NUMBERS = ("min_seconds_on_page", "min_page_views", "min_visits")
BLANK = {
    "name": "",
    "url_pattern": "",
    "referrer_contains": "",
    "message": "",
    "min_seconds_on_page": 0,
    "min_page_views": 0,
    "min_visits": 0,
    "button": "",
    "is_active": True,
}


def _render(request, *, rule=None, error: str = "", values=None):
    account = request.membership.account
    context = {
        "rules": [] if rule else list_invitation_rules(account),
        "rule": rule,
        "buttons": list_chat_buttons(account),
        "values": values or BLANK,
        "error": error,
    }
    return render_section(request, KEY, "settings/chat_invitations.html", context, status=422 if error else 200)


def _posted(request) -> tuple[dict, dict]:
    """(what the form shows again, what the action takes)."""
    shown = {name: request.POST.get(name, "").strip() for name in (*TEXTS, *NUMBERS, "button")}
    shown["is_active"] = request.POST.get("is_active") == "on"
    values = {name: shown[name] for name in TEXTS}
    values["is_active"] = shown["is_active"]
    for name in NUMBERS:
        raw = shown[name] or "0"
        if not raw.isdigit():
            raise DomainError(_("Conditions take whole numbers of 0 or more."))
        values[name] = int(raw)
    button = None
    if shown["button"]:
        button = next(
            (b for b in list_chat_buttons(request.membership.account) if b.public_id == shown["button"]), None
        )
        if button is None:
            raise DomainError(_("Choose one of your chat buttons."))
    values["button"] = button
    return shown, values


def _rule_or_404(request, public_id):
    try:
        return access_invitation_rule(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def chat_invitations(request):
    if request.method == "GET":
        return _render(request)
    shown = {**BLANK, **{name: request.POST.get(name, "") for name in BLANK}}
    try:
        shown, values = _posted(request)
        actions.create_invitation_rule(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, values=shown)
    return saved(request, KEY, _("Invitation rule %(name)s created.") % {"name": values["name"]})


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    rule = _rule_or_404(request, public_id)
    if request.method == "GET":
        values = {name: getattr(rule, name) for name in (*TEXTS, *NUMBERS, "is_active")}
        values["button"] = rule.button.public_id if rule.button_id else ""
        return _render(request, rule=rule, values=values)
    shown = {**BLANK, **{name: request.POST.get(name, "") for name in BLANK}}
    try:
        shown, values = _posted(request)
        actions.update_invitation_rule(rule=rule, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, rule=rule, error=exc.message, values=shown)
    return saved(request, KEY, _("Invitation rule %(name)s saved.") % {"name": values["name"]})


@require_POST
@section_view(KEY)
def delete(request, public_id):
    rule = _rule_or_404(request, public_id)
    actions.delete_invitation_rule(rule=rule, actor=Actor(user=request.user))
    return saved(request, KEY, _("Invitation rule %(name)s deleted.") % {"name": rule.name})
