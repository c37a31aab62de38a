"""Customer email templates: one per kind and language, edited, previewed with sample data, reset to the default."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.channels.email import templates
from helpline.channels.email.models import EmailTemplate
from helpline.channels.email.selectors import get_email_template, list_email_templates
from helpline.channels.email.template_actions import ensure_known, reset_email_template, save_email_template
from helpline.channels.email.template_preview import preview_template, sample_context
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.web.htmx import is_htmx
from helpline.web.views.settings.sections import render_section, section_view

KEY = "email_templates"
PLACEHOLDERS = (
    "ticket.code", "ticket.subject", "ticket.status", "contact.name", "contact.email", "agent.name",
    "agent.signature", "agent.signature_text", "brand.name", "account.name", "mailbox.address", "mailbox.signature",
    "mailbox.signature_text", "message.html", "message.text", "survey_url",
)  # fmt: skip


def _known_or_404(kind: str, locale: str) -> None:
    try:
        ensure_known(kind, locale)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _sent_by_default(kind: str) -> bool:
    return kind in templates.ON_BY_DEFAULT


@require_GET
@section_view(KEY)
def email_templates(request):
    own = list_email_templates(request.membership.account)
    languages = dict(settings.LANGUAGES)
    rows = [
        {
            "kind": kind,
            "label": label,
            "locale": locale,
            "language": languages[locale],
            "customised": (kind, locale) in own,
            "active": own[(kind, locale)].is_active if (kind, locale) in own else _sent_by_default(kind),
        }
        for kind, label in EmailTemplate.KIND_CHOICES
        for locale in languages
    ]
    return render_section(request, KEY, "settings/email_templates.html", {"rows": rows})


def _posted(post) -> dict:
    return {
        "subject": post.get("subject", ""),
        "body_html": post.get("body_html", ""),
        "body_text": post.get("body_text", ""),
        "is_active": post.get("is_active") == "on",
    }


def _render_edit(request, kind: str, locale: str, *, values=None, error: str = "", preview=None):
    row = get_email_template(request.membership.account, kind, locale)
    if values is None:
        source = (
            {"subject": row.subject, "body_html": row.body_html, "body_text": row.body_text}
            if row
            else templates.default_template(kind, locale)
        )
        values = {**source, "is_active": row.is_active if row else _sent_by_default(kind)}
    context = {
        "kind": kind,
        "locale": locale,
        "kind_label": dict(EmailTemplate.KIND_CHOICES)[kind],
        "language": dict(settings.LANGUAGES)[locale],
        "customised": row is not None,
        "values": values,
        "placeholders": PLACEHOLDERS,
        "preview": preview,
        "error": error,
    }
    return render_section(request, KEY, "settings/email_template_form.html", context, status=422 if error else 200)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, kind, locale):
    _known_or_404(kind, locale)
    if request.method == "GET":
        return _render_edit(request, kind, locale)
    values = _posted(request.POST)
    try:
        save_email_template(
            account=request.membership.account, kind=kind, locale=locale, actor=Actor(user=request.user), **values
        )
    except DomainError as exc:
        return _render_edit(request, kind, locale, values=values, error=exc.message)
    messages.success(request, _("The template was saved."))
    return redirect("web:settings-email-template", kind=kind, locale=locale)


@require_POST
@section_view(KEY)
def preview(request, kind, locale):
    """The posted (unsaved) text rendered with sample data; htmx swaps it in beside the form."""
    _known_or_404(kind, locale)
    values = _posted(request.POST)
    error, rendered = "", None
    try:
        context = sample_context(
            request.membership.account, agent=request.user, agent_signature=request.membership.signature_html
        )
        rendered = preview_template(
            account=request.membership.account,
            kind=kind,
            locale=locale,
            subject=values["subject"],
            body_html=values["body_html"],
            body_text=values["body_text"],
            context=context,
        )
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        context = {"preview": rendered, "preview_error": error}
        return render(request, "settings/email_template_preview.html", context, status=422 if error else 200)
    return _render_edit(request, kind, locale, values=values, error=error, preview=rendered)


@require_POST
@section_view(KEY)
def reset(request, kind, locale):
    _known_or_404(kind, locale)
    if reset_email_template(
        account=request.membership.account, kind=kind, locale=locale, actor=Actor(user=request.user)
    ):
        messages.success(request, _("The template is back to the built-in text."))
    return redirect("web:settings-email-template", kind=kind, locale=locale)
