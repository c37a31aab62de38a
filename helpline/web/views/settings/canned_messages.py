"""Canned messages: snippets agents insert with "/" + shortcut. Every member manages their personal ones; department
and shared ones need the settings permission."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.replies.actions import create_canned_message, delete_canned_message, update_canned_message
from helpline.replies.selectors import access_managed_canned_message, list_managed_canned_messages
from helpline.tenancy.usage import usage_of
from helpline.web.views.settings.reply_scopes import form_context, managed_or_error, posted_scope, scope_values
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "canned_messages"
NEW = {"name": "", "shortcut": "", "body": "", "scope": "personal", "department": ""}


@require_GET
@section_view(KEY)
def canned_messages(request):
    context = {
        "items": list_managed_canned_messages(request.membership),
        "usage": usage_of(request.membership.account, "canned_messages"),
    }
    return render_section(request, KEY, "settings/canned_messages.html", context)


def _posted(post) -> dict:
    return {name: post.get(name, "") for name in NEW}


def _render_form(request, *, item=None, values=None, error: str = ""):
    context = {"item": item, "values": values or NEW, "error": error, **form_context(request.membership)}
    return render_section(request, KEY, "settings/canned_message_form.html", context, status=422 if error else 200)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values = _posted(request.POST)
    try:
        scope, owner, department = posted_scope(request)
        create_canned_message(
            account=request.membership.account,
            name=values["name"],
            body=values["body"],
            shortcut=values["shortcut"],
            scope=scope,
            owner=owner,
            department=department,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render_form(request, values=values, error=exc.message)
    return saved(request, KEY, _("The canned message was saved."))


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    item = managed_or_error(request.membership, access_managed_canned_message(request.membership, public_id))
    if request.method == "GET":
        values = {"name": item.name, "shortcut": item.shortcut, "body": item.body, **scope_values(item)}
        return _render_form(request, item=item, values=values)
    values = _posted(request.POST)
    try:
        scope, owner, department = posted_scope(request)
        update_canned_message(
            message=item,
            name=values["name"],
            body=values["body"],
            shortcut=values["shortcut"],
            scope=scope,
            owner=owner,
            department=department,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render_form(request, item=item, values=values, error=exc.message)
    return saved(request, KEY, _("The canned message was saved."))


@require_POST
@section_view(KEY)
def delete(request, public_id):
    item = managed_or_error(request.membership, access_managed_canned_message(request.membership, public_id))
    delete_canned_message(message=item, actor=Actor(user=request.user))
    return saved(request, KEY, _("The canned message was deleted."))
