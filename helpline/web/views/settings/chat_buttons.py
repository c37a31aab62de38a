"""Chat buttons: the list with usage against the plan, create and edit forms (appearance, template gallery, pre-chat
form, welcome message, offline behaviour, business hours), a live preview, the embed snippet, deactivate, delete."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.channels.chat import appearance, hours
from helpline.channels.chat.actions import create_chat_button, delete_chat_button, update_chat_button
from helpline.channels.chat.models import ChatButton, FieldMode
from helpline.channels.chat.selectors import get_chat_button, list_chat_buttons
from helpline.channels.chat.views import embed_snippet
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import get_department, list_departments
from helpline.tenancy.usage import usage_of
from helpline.web.queries import get_brand, list_brands
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "chat_buttons"
TEXT_FIELDS = ("name", "colour", "launcher_text", "title_text", "offline_title_text", "welcome_message", "language")
CHOICE_FIELDS = {
    "position": ChatButton.POSITION_CHOICES,
    "template": ChatButton.TEMPLATE_CHOICES,
    "name_field": FieldMode.choices,
    "email_field": FieldMode.choices,
    "offline_behaviour": ChatButton.OFFLINE_CHOICES,
    "status_after_chat": ChatButton.ENDED_CHOICES,
}
CUSTOM_MODES = ("off", "optional", "required")
NEW_BUTTON = {
    "name": "", "brand": "", "department": "", "language": "", "is_active": True, "colour": "#2563eb",
    "position": ChatButton.BOTTOM_RIGHT, "template": "bubble", "launcher_text": "", "title_text": "",
    "offline_title_text": "", "welcome_message": "", "custom_css": "", "name_field": FieldMode.OPTIONAL,
    "email_field": FieldMode.OPTIONAL, "offline_behaviour": ChatButton.OFFLINE_FORM,
    "status_after_chat": ChatButton.ENDED_ANSWERED, "hours_enabled": False,
}  # fmt: skip
_UNSAFE_CSS = re.compile(
    r"[<>\\]|@import|url\s*\(|expression\s*\(|(?:java|vb)script\s*:|-moz-binding|behaviou?r\s*:", re.I
)


def _new_values() -> dict:
    values = dict(NEW_BUTTON)
    values["custom_fields"] = []
    values["hours"] = {
        day: {"open": day not in ("sat", "sun"), "from": "09:00", "to": "17:00"} for day in hours.WEEKDAYS
    }
    return values


def _values(post) -> dict:
    """What the form sent, as text to show again."""
    values = {name: post.get(name, "").strip() for name in TEXT_FIELDS}
    values.update({"brand": post.get("brand", ""), "department": post.get("department", "")})
    values["custom_css"] = post.get("custom_css", "")
    values["is_active"] = post.get("is_active") == "on"
    values["hours_enabled"] = post.get("hours_enabled") == "on"
    for name, choices in CHOICE_FIELDS.items():
        values[name] = post.get(name, "")
        if values[name] not in dict(choices):
            values[name] = NEW_BUTTON[name]
    values["custom_fields"] = []
    for index in range(appearance.MAX_CUSTOM_FIELDS):
        row = {
            "key": post.get(f"custom_key_{index}", "").strip(),
            "label": post.get(f"custom_label_{index}", "").strip(),
            "mode": post.get(f"custom_mode_{index}", "off"),
        }
        if row["mode"] not in CUSTOM_MODES:
            row["mode"] = "off"
        if row["key"] or row["label"]:
            values["custom_fields"].append(row)
    values["hours"] = {
        day: {
            "open": post.get(f"hours_{day}_open") == "on",
            "from": post.get(f"hours_{day}_from", "").strip(),
            "to": post.get(f"hours_{day}_to", "").strip(),
        }
        for day in hours.WEEKDAYS
    }
    return values


def _values_of(button: ChatButton) -> dict:
    values = {name: getattr(button, name) for name in NEW_BUTTON}
    values["brand"] = button.brand.public_id if button.brand else ""
    values["department"] = button.department.public_id if button.department else ""
    values["custom_fields"] = [
        {"key": f["key"], "label": f["label"], "mode": "required" if f.get("required") else "optional"}
        for f in button.custom_fields
    ]
    saved_hours = button.business_hours or {}
    values["hours"] = {
        day: {
            "open": day in saved_hours,
            "from": saved_hours[day][0] if day in saved_hours else "09:00",
            "to": saved_hours[day][1] if day in saved_hours else "17:00",
        }
        for day in hours.WEEKDAYS
    }
    return values


def _field_key(row: dict, index: int) -> str:
    if row["key"]:
        return row["key"]  # checked by the action, like everything typed
    key = slugify(row["label"]).replace("-", "_")[:32]
    return key if key[:1].isalpha() else f"field_{index + 1}"


def _custom_css(css: str) -> str:
    """Custom CSS may restyle the widget but never load or run anything: refuse rather than silently drop."""
    if len(css) > appearance.MAX_CSS:
        raise DomainError(_("Custom CSS is limited to %(n)d characters.") % {"n": appearance.MAX_CSS})
    if _UNSAFE_CSS.search(css):
        raise DomainError(
            _(
                "Custom CSS cannot load or run anything: remove url(…), @import, expression(…), script: links, "
                "behaviours, backslash escapes and the characters < and >."
            )  # fmt: skip
        )
    if css.count("{") != css.count("}"):
        raise DomainError(_("The custom CSS has a { without its } (or the other way round)."))
    return css


def _fields(request, values: dict) -> dict:
    """The button's settings for the action from the posted form; DomainError on bad input."""
    account = request.membership.account
    fields = {name: values[name] for name in (*TEXT_FIELDS, *CHOICE_FIELDS, "is_active", "hours_enabled")}
    fields["custom_css"] = _custom_css(values["custom_css"])
    fields["brand"] = get_brand(account, values["brand"]) if values["brand"] else None
    fields["department"] = get_department(account, values["department"]) if values["department"] else None
    if (values["brand"] and fields["brand"] is None) or (values["department"] and fields["department"] is None):
        raise DomainError(_("Choose a brand and a department of this account."))
    fields["custom_fields"] = [
        {"key": _field_key(row, index), "label": row["label"], "required": row["mode"] == "required"}
        for index, row in enumerate(values["custom_fields"])
        if row["mode"] != "off"
    ]
    schedule = {}
    for day, span in values["hours"].items():
        if span["open"]:
            if not span["from"] or not span["to"]:
                raise DomainError(_("%(day)s needs a from and a to time.") % {"day": hours.WEEKDAY_LABELS[day]})
            schedule[day] = [span["from"], span["to"]]
    if values["hours_enabled"] and not schedule:
        raise DomainError(_("Open at least one day, or switch business hours off."))
    fields["business_hours"] = schedule
    return fields


def _button_or_404(request, public_id: str) -> ChatButton:
    button = get_chat_button(request.membership.account, public_id)
    if button is None:
        raise Http404(_("No such chat button."))
    return button


def _snippet(request, button: ChatButton) -> str:
    return embed_snippet(button, settings.BASE_URL or f"{request.scheme}://{request.get_host()}")


def _render_form(request, *, button=None, values=None, error: str = "", status: int = 200):
    account = request.membership.account
    values = values or (_values_of(button) if button else _new_values())
    rows = list(values["custom_fields"])
    context = {
        "button": button,
        "values": values,
        "custom_rows": rows + [{"key": "", "label": "", "mode": "off"}] * (appearance.MAX_CUSTOM_FIELDS - len(rows)),
        "custom_count": len(rows),
        "hours_rows": [(day, hours.WEEKDAY_LABELS[day], values["hours"][day]) for day in hours.WEEKDAYS],
        "brands": list_brands(account),
        "departments": list_departments(account),
        "languages": settings.LANGUAGES,
        "account_language": dict(settings.LANGUAGES).get(account.locale, account.locale),
        "position_choices": ChatButton.POSITION_CHOICES,
        "template_choices": ChatButton.TEMPLATE_CHOICES,
        "field_modes": FieldMode.choices,
        "offline_choices": ChatButton.OFFLINE_CHOICES,
        "ended_choices": ChatButton.ENDED_CHOICES,
        "snippet": _snippet(request, button) if button else "",
        "error": error,
    }
    return render_section(request, KEY, "settings/chat_button_form.html", context, status=422 if error else status)


@require_GET
@section_view(KEY)
def chat_buttons(request):
    account = request.membership.account
    rows = list_chat_buttons(account)
    usage = usage_of(account, "chat_buttons", used=len(rows))
    languages = dict(settings.LANGUAGES)
    context = {"buttons": rows, "usage": usage, "languages": languages, "account_language": account.locale}
    return render_section(request, KEY, "settings/chat_buttons.html", context)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values = _values(request.POST)
    try:
        fields = _fields(request, values)
        name = fields.pop("name")
        button = create_chat_button(
            account=request.membership.account, name=name, actor=Actor(user=request.user), **fields
        )
    except DomainError as exc:
        return _render_form(request, values=values, error=exc.message)
    messages.success(request, _("Chat button %(name)s created. Put the snippet below on your site.") % {"name": name})
    return redirect("web:settings-chat-button", public_id=button.public_id)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    button = _button_or_404(request, public_id)
    if request.method == "GET":
        return _render_form(request, button=button)
    values = _values(request.POST)
    try:
        update_chat_button(button=button, actor=Actor(user=request.user), **_fields(request, values))
    except DomainError as exc:
        return _render_form(request, button=button, values=values, error=exc.message)
    return saved(request, KEY, _("Chat button %(name)s saved.") % {"name": values["name"]})


@require_POST
@section_view(KEY)
def set_active(request, public_id):
    button = _button_or_404(request, public_id)
    active = request.POST.get("active") == "1"
    update_chat_button(button=button, is_active=active, actor=Actor(user=request.user))
    message = _("Chat button %(name)s is active.") if active else _("Chat button %(name)s was deactivated.")
    return saved(request, KEY, message % {"name": button.name})


@require_POST
@section_view(KEY)
def delete(request, public_id):
    button = _button_or_404(request, public_id)
    try:
        delete_chat_button(button=button, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render_form(request, button=button, error=exc.message)
    return saved(request, KEY, _("Chat button %(name)s was deleted.") % {"name": button.name})


def _preview_button(request, button: ChatButton | None) -> ChatButton:
    """An unsaved button with what the form shows now; values that do not validate keep the saved ones."""
    defaults = {k: v for k, v in NEW_BUTTON.items() if k not in ("brand", "department")}
    base = button or ChatButton(account=request.membership.account, **defaults)
    if request.method != "POST":
        return base
    values = _values(request.POST)
    preview = ChatButton(account=request.membership.account)
    for name in (*TEXT_FIELDS, *CHOICE_FIELDS):
        setattr(preview, name, values[name])
    try:
        preview.colour = appearance.clean_colour(values["colour"])
    except DomainError:
        preview.colour = base.colour
    if preview.language not in dict(settings.LANGUAGES):
        preview.language = base.language
    preview.custom_css = appearance.sanitise_css(values["custom_css"])
    preview.custom_fields = [
        {"key": f"field_{index}", "label": row["label"] or row["key"], "required": row["mode"] == "required"}
        for index, row in enumerate(values["custom_fields"])
        if row["mode"] != "off"
    ]
    return preview


@require_http_methods(["GET", "POST"])
@xframe_options_sameorigin
@section_view(KEY)
def preview(request, public_id=None):
    """The launcher and the open window as the widget draws them (its own CSS), without scripts; the form posts
    its current values here (into a sandboxed iframe) so the preview follows every change before saving."""
    button = _button_or_404(request, public_id) if public_id else None
    shown = _preview_button(request, button)
    texts = appearance.widget_texts(shown)
    nonce = secrets.token_urlsafe(16)
    response = render(request, "settings/chat_button_preview.html", {"button": shown, "texts": texts, "nonce": nonce})
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; form-action 'none'; "
        "base-uri 'none'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "private, no-store"
    return response
