"""Mailboxes: the list with usage against the plan, create and edit forms, deactivate, delete, and
"Test connection" (each step of reaching the inbound and outbound servers). Passwords are write-only."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.channels.email.actions import SECRETS, configure_mailbox, delete_mailbox, update_mailbox
from helpline.channels.email.models import SECURITY_CHOICES, Mailbox
from helpline.channels.email.selectors import get_mailbox, list_mailboxes
from helpline.channels.email.transports.diagnostics import test_inbound, test_outbound
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import get_department, list_departments
from helpline.tenancy.usage import usage_of
from helpline.web.htmx import is_htmx
from helpline.web.queries import get_brand, list_brands
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "mailboxes"
TEXT_FIELDS = (
    "name", "address", "host", "username", "folder", "move_to_folder", "oauth_client_id", "smtp_host",
    "smtp_username", "spam_host", "dkim_domain", "dkim_selector",
)  # fmt: skip
CHOICE_FIELDS = {
    "inbound": Mailbox.INBOUND_CHOICES,
    "security": SECURITY_CHOICES,
    "auth": Mailbox.AUTH_CHOICES,
    "after_import": Mailbox.AFTER_IMPORT_CHOICES,
    "smtp_security": SECURITY_CHOICES,
    "stranger_policy": Mailbox.STRANGER_CHOICES,
}
# Write-only: never rendered back; left blank they keep what is stored, "clear_<name>" removes it.
SECRET_FIELDS = tuple(sorted(SECRETS))
NEW_MAILBOX = {
    "name": "", "address": "", "inbound": Mailbox.IMAP, "host": "", "port": "", "security": "ssl", "username": "",
    "auth": Mailbox.PASSWORD, "oauth_client_id": "", "folder": "INBOX", "after_import": Mailbox.KEEP,
    "move_to_folder": "", "smtp_mode": "default", "smtp_host": "", "smtp_port": "", "smtp_security": "starttls",
    "smtp_username": "", "stranger_policy": Mailbox.NEW_TICKET, "spam_enabled": False, "spam_host": "127.0.0.1",
    "spam_port": "783", "spam_threshold": "5.0", "dkim_domain": "", "dkim_selector": "", "signature_html": "",
    "brand": "", "department": "", "domains": "", "is_active": True,
}  # fmt: skip


def _port(raw: str, label: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise DomainError(_("%(label)s must be a port number from 1 to 65535.") % {"label": label})
    return int(raw)


def _threshold(raw: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise DomainError(_("The spam threshold must be a number from 0 to 100, such as 5.0."))
    return value


def _values(post) -> dict:
    """What the form sent, as text to show again (secrets left out)."""
    values = {name: post.get(name, "") for name in NEW_MAILBOX if name not in ("spam_enabled", "is_active")}
    values["spam_enabled"] = post.get("spam_enabled") == "on"
    values["is_active"] = post.get("is_active") == "on"
    for name, choices in CHOICE_FIELDS.items():
        if values[name] not in dict(choices):
            values[name] = NEW_MAILBOX[name]
    values["smtp_mode"] = "custom" if values["smtp_mode"] == "custom" else "default"
    return values


def _fields(request, values: dict, *, editing: bool) -> tuple[dict, list[str]]:
    """(mailbox settings for the action, accepted domains) from the posted form; DomainError on bad input."""
    post, account = request.POST, request.membership.account
    fields = {name: values[name].strip() for name in TEXT_FIELDS}
    for name in CHOICE_FIELDS:
        fields[name] = post.get(name, "")
    fields["port"] = _port(values["port"], _("The server port"))
    fields["smtp_port"] = _port(values["smtp_port"], _("The SMTP port"))
    fields["spam_port"] = _port(values["spam_port"], _("The spam filter port")) or 783
    fields["spam_threshold"] = _threshold(values["spam_threshold"])
    fields["spam_enabled"], fields["is_active"] = values["spam_enabled"], values["is_active"]
    fields["signature_html"] = values["signature_html"]
    fields["brand"] = get_brand(account, values["brand"]) if values["brand"] else None
    fields["department"] = get_department(account, values["department"]) if values["department"] else None
    if (values["brand"] and fields["brand"] is None) or (values["department"] and fields["department"] is None):
        raise DomainError(_("Choose a brand and a department of this account."))
    for name in SECRET_FIELDS:
        if post.get(f"clear_{name}") == "on":
            fields[name] = ""
        elif post.get(name, ""):
            fields[name] = post[name].strip() if name != "dkim_private_key" else post[name]
    if values["smtp_mode"] == "default":  # replies go through the server-wide HELPLINE_SMTP_URL
        fields.update({"smtp_host": "", "smtp_port": None, "smtp_username": "", "smtp_password": ""})
    if not editing:
        fields = {name: value for name, value in fields.items() if value != "" or name not in SECRET_FIELDS}
    domains = [d for d in re.split(r"[\s,;]+", values["domains"]) if d]
    return fields, domains


def _values_of(mailbox: Mailbox) -> dict:
    values = {name: getattr(mailbox, name) for name in NEW_MAILBOX if hasattr(mailbox, name)}
    values.update(
        {
            "port": mailbox.port or "",
            "smtp_port": mailbox.smtp_port or "",
            "smtp_mode": "custom" if mailbox.smtp_host else "default",
            "brand": mailbox.brand.public_id if mailbox.brand else "",
            "department": mailbox.department.public_id if mailbox.department else "",
            "domains": "\n".join(d.domain for d in mailbox.domains.all()),
        }
    )
    for name in SECRET_FIELDS:
        values.pop(name, None)
    return values


def _mailbox_or_404(request, public_id: str) -> Mailbox:
    mailbox = get_mailbox(request.membership.account, public_id)
    if mailbox is None:
        raise Http404(_("No such mailbox."))
    return mailbox


def _render_form(request, *, mailbox=None, values=None, error: str = "", test_results=None, status: int = 200):
    account = request.membership.account
    context = {
        "mailbox": mailbox,
        "values": values or (_values_of(mailbox) if mailbox else NEW_MAILBOX),
        "saved_secrets": {name: bool(getattr(mailbox, name, "")) for name in SECRET_FIELDS},
        "brands": list_brands(account),
        "departments": list_departments(account),
        "inbound_choices": Mailbox.INBOUND_CHOICES,
        "security_choices": SECURITY_CHOICES,
        "auth_choices": Mailbox.AUTH_CHOICES,
        "after_import_choices": Mailbox.AFTER_IMPORT_CHOICES,
        "stranger_choices": Mailbox.STRANGER_CHOICES,
        "test_results": test_results,
        "error": error,
    }
    return render_section(request, KEY, "settings/mailbox_form.html", context, status=422 if error else status)


@require_GET
@section_view(KEY)
def mailboxes(request):
    account = request.membership.account
    rows = list_mailboxes(account)
    usage = usage_of(account, "mailboxes", used=len(rows))
    return render_section(request, KEY, "settings/mailboxes.html", {"mailboxes": rows, "usage": usage})


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values = _values(request.POST)
    try:
        fields, domains = _fields(request, values, editing=False)
        mailbox = configure_mailbox(
            account=request.membership.account, fields=fields, domains=domains, actor=Actor(user=request.user)
        )
    except DomainError as exc:
        return _render_form(request, values=values, error=exc.message)
    messages.success(
        request, _("Mailbox %(address)s created. Test its connection below.") % {"address": mailbox.address}
    )
    return redirect("web:settings-mailbox", public_id=mailbox.public_id)


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    mailbox = _mailbox_or_404(request, public_id)
    if request.method == "GET":
        return _render_form(request, mailbox=mailbox)
    values = _values(request.POST)
    try:
        fields, domains = _fields(request, values, editing=True)
        configure_mailbox(
            account=mailbox.account, mailbox=mailbox, fields=fields, domains=domains, actor=Actor(user=request.user)
        )
    except DomainError as exc:
        return _render_form(request, mailbox=mailbox, values=values, error=exc.message)
    return saved(request, KEY, _("Mailbox %(address)s saved.") % {"address": mailbox.address})


@require_POST
@section_view(KEY)
def set_active(request, public_id):
    mailbox = _mailbox_or_404(request, public_id)
    active = request.POST.get("active") == "1"
    try:
        update_mailbox(mailbox=mailbox, is_active=active, actor=Actor(user=request.user))
    except DomainError as exc:  # e.g. settings saved before today's checks existed
        return _render_form(request, mailbox=mailbox, error=exc.message)
    message = _("Mailbox %(address)s is active.") if active else _("Mailbox %(address)s was deactivated.")
    return saved(request, KEY, message % {"address": mailbox.address})


@require_POST
@section_view(KEY)
def delete(request, public_id):
    mailbox = _mailbox_or_404(request, public_id)
    delete_mailbox(mailbox=mailbox, actor=Actor(user=request.user))
    return saved(request, KEY, _("Mailbox %(address)s was deleted.") % {"address": mailbox.address})


@require_POST
@section_view(KEY)
def test_connection(request, public_id):
    """Runs the diagnostics on the saved settings; nothing is fetched, flagged or sent."""
    mailbox = _mailbox_or_404(request, public_id)
    results = {"inbound": test_inbound(mailbox), "outbound": test_outbound(mailbox)}
    results["ok"] = all(step.ok for steps in (results["inbound"], results["outbound"]) for step in steps)
    if is_htmx(request):
        return render(request, "settings/mailbox_test.html", {"mailbox": mailbox, "results": results})
    return _render_form(request, mailbox=mailbox, test_results=results)
