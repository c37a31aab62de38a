"""Predefined answers: whole replies with files and follow-up changes (status, tags) made when one is sent.
Every member manages their personal ones; department and shared ones need the settings permission."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.conversations.statuses import SETTABLE_STATUSES, Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.replies.actions import (
    add_answer_attachment,
    create_predefined_answer,
    delete_predefined_answer,
    remove_answer_attachment,
    update_predefined_answer,
)
from helpline.replies.selectors import access_managed_answer, list_managed_answers
from helpline.tenancy.usage import usage_of
from helpline.web.composer import read_uploads
from helpline.web.views.settings.reply_scopes import form_context, managed_or_error, posted_scope, scope_values
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "predefined_answers"
NEW = {"name": "", "body": "", "scope": "personal", "department": "", "set_status": "", "add_tags": ""}


@require_GET
@section_view(KEY)
def predefined_answers(request):
    context = {
        "items": list_managed_answers(request.membership),
        "usage": usage_of(request.membership.account, "predefined_answers"),
    }
    return render_section(request, KEY, "settings/predefined_answers.html", context)


def _posted(post) -> dict:
    return {name: post.get(name, "") for name in NEW}


def _tags(raw: str) -> list[str]:
    return [name for name in re.split(r"[,\n]+", raw) if name.strip()]


def _render_form(request, *, item=None, values=None, error: str = ""):
    labels = dict(Status.choices)
    context = {
        "item": item,
        "values": values or NEW,
        "error": error,
        "status_choices": [(status, labels[status]) for status in SETTABLE_STATUSES],
        **form_context(request.membership),
    }
    return render_section(request, KEY, "settings/predefined_answer_form.html", context, status=422 if error else 200)


def _save_files(request, answer, actor: Actor) -> None:
    removed = set(request.POST.getlist("remove_file"))
    for attachment in answer.attachments.all():
        if attachment.public_id in removed:
            remove_answer_attachment(attachment=attachment, actor=actor)
    for name, content, content_type in read_uploads(request.FILES.getlist("files")):
        add_answer_attachment(answer=answer, name=name, content=content, content_type=content_type, actor=actor)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values, actor = _posted(request.POST), Actor(user=request.user)
    try:
        scope, owner, department = posted_scope(request)
        with transaction.atomic():  # the answer and its files together, or nothing
            answer = create_predefined_answer(
                account=request.membership.account,
                name=values["name"],
                body=values["body"],
                scope=scope,
                owner=owner,
                department=department,
                set_status=values["set_status"],
                add_tags=_tags(values["add_tags"]),
                actor=actor,
            )
            _save_files(request, answer, actor)
    except DomainError as exc:
        return _render_form(request, values=values, error=exc.message)
    return saved(request, KEY, _("The predefined answer was saved."))


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    item = managed_or_error(request.membership, access_managed_answer(request.membership, public_id))
    if request.method == "GET":
        values = {
            "name": item.name,
            "body": item.body,
            "set_status": item.set_status,
            "add_tags": ", ".join(item.add_tags),
            **scope_values(item),
        }
        return _render_form(request, item=item, values=values)
    values, actor = _posted(request.POST), Actor(user=request.user)
    try:
        scope, owner, department = posted_scope(request)
        with transaction.atomic():
            update_predefined_answer(
                answer=item,
                name=values["name"],
                body=values["body"],
                scope=scope,
                owner=owner,
                department=department,
                set_status=values["set_status"],
                add_tags=_tags(values["add_tags"]),
                actor=actor,
            )
            _save_files(request, item, actor)
    except DomainError as exc:
        return _render_form(request, item=item, values=values, error=exc.message)
    return saved(request, KEY, _("The predefined answer was saved."))


@require_POST
@section_view(KEY)
def delete(request, public_id):
    item = managed_or_error(request.membership, access_managed_answer(request.membership, public_id))
    delete_predefined_answer(answer=item, actor=Actor(user=request.user))
    return saved(request, KEY, _("The predefined answer was deleted."))
