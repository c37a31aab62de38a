"""Settings → Webhooks: endpoints that receive signed event payloads, Slack notifications, the allowed address
ranges (owner or admin only), a test event and the delivery log. The signing secret shows once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.models import Membership
from helpline.tenancy.selectors import list_departments
from helpline.web.views.settings.sections import render_section, saved, section_view
from helpline.webhooks import actions, catalog, selectors
from helpline.webhooks.models import Webhook

KEY = "webhooks"
LOG_SIZE = 50


def _may_set_ranges(membership) -> bool:
    return membership.role in (Membership.OWNER, Membership.ADMIN)


def _access(request, public_id: str) -> Webhook:
    webhook = selectors.get_webhook(request.membership.account, public_id)
    if webhook is None:
        raise Http404(_("No such webhook."))
    return webhook


def _render_list(request, *, ranges_text: str | None = None, error: str = ""):
    account = request.membership.account
    context = {
        "webhooks": selectors.list_webhooks(account),
        "ranges_text": "\n".join(selectors.allowed_ranges(account.pk)) if ranges_text is None else ranges_text,
        "may_set_ranges": _may_set_ranges(request.membership),
        "error": error,
    }
    return render_section(request, KEY, "settings/webhooks.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def webhooks(request):
    return _render_list(request)


@require_POST
@section_view(KEY)
def set_ranges(request):
    if not _may_set_ranges(request.membership):
        raise PermissionDenied
    text = request.POST.get("allowed_ranges", "")
    try:
        actions.set_allowed_ranges(account=request.membership.account, ranges=text, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render_list(request, ranges_text=text, error=exc.message)
    return saved(request, KEY, _("The allowed address ranges were saved."))


def _posted(request) -> dict:
    post = request.POST
    return {
        "name": post.get("name", ""),
        "url": post.get("url", ""),
        "kind": post.get("kind", Webhook.JSON),
        "event_types": post.getlist("event_types"),
        "departments": post.getlist("departments"),
        "is_active": post.get("is_active") == "on",
    }


def _render_form(request, *, webhook=None, values=None, error: str = "", status: int = 200):
    account = request.membership.account
    if values is None:
        values = {"name": "", "url": "", "kind": Webhook.JSON, "event_types": [], "departments": [], "is_active": True}
        if webhook is not None:
            values = {
                "name": webhook.name,
                "url": ""
                if webhook.kind == Webhook.SLACK
                else webhook.url,  # a Slack URL is a secret: kept unless replaced
                "kind": webhook.kind,
                "event_types": webhook.event_types,
                "departments": [d.public_id for d in webhook.departments.all()],
                "is_active": webhook.is_active,
            }
    context = {
        "webhook": webhook,
        "values": values,
        "error": error,
        "event_types": catalog.EVENT_TYPES.values(),
        "slack_event_types": catalog.SLACK_EVENT_TYPES,
        "kinds": Webhook.KIND_CHOICES,
        "url_hint": selectors.display_url(webhook) if webhook else "",
        "departments": list_departments(account),
        "deliveries": selectors.list_deliveries(webhook, limit=LOG_SIZE) if webhook else [],
    }
    return render_section(request, KEY, "settings/webhook_form.html", context, status=422 if error else status)


def _departments(request, public_ids: list[str]) -> list:
    wanted = set(public_ids)
    return [d for d in list_departments(request.membership.account) if d.public_id in wanted]


def _render_secret(request, webhook: Webhook, secret: str):
    response = render_section(request, KEY, "settings/webhook_secret.html", {"webhook": webhook, "secret": secret})
    response["Cache-Control"] = "no-store"  # the secret must not linger in any cache
    return response


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def create(request):
    if request.method == "GET":
        return _render_form(request)
    values = _posted(request)
    try:
        webhook, secret = actions.create_webhook(
            account=request.membership.account,
            name=values["name"],
            url=values["url"],
            kind=values["kind"],
            event_types=values["event_types"],
            departments=_departments(request, values["departments"]),
            is_active=values["is_active"],
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render_form(request, values=values, error=exc.message)
    if secret:
        return _render_secret(request, webhook, secret)
    return saved(request, KEY, _("The webhook %(name)s was created.") % {"name": webhook.name})


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def edit(request, public_id):
    webhook = _access(request, public_id)
    if request.method == "GET":
        return _render_form(request, webhook=webhook)
    values = {**_posted(request), "kind": webhook.kind}
    keep_url = webhook.kind == Webhook.SLACK and not values["url"].strip()
    try:
        actions.update_webhook(
            webhook=webhook,
            name=values["name"],
            url=webhook.url if keep_url else values["url"],
            event_types=values["event_types"],
            departments=_departments(request, values["departments"]),
            is_active=values["is_active"],
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render_form(request, webhook=webhook, values=values, error=exc.message)
    return saved(request, KEY, _("The webhook %(name)s was saved.") % {"name": values["name"].strip()})


@require_POST
@section_view(KEY)
def rotate(request, public_id):
    webhook = _access(request, public_id)
    try:
        secret = actions.rotate_secret(webhook=webhook, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render_form(request, webhook=webhook, error=exc.message)
    return _render_secret(request, webhook, secret)


@require_POST
@section_view(KEY)
def send_test(request, public_id):
    webhook = _access(request, public_id)
    result = actions.send_test_event(webhook=webhook, actor=Actor(user=request.user))
    if result.status == result.SUCCEEDED:
        messages.success(request, _("The test event was delivered (%(code)s).") % {"code": result.status_code})
    else:
        messages.error(request, _("The test event was not delivered: %(error)s") % {"error": result.error})
    return redirect("web:settings-webhook", public_id=webhook.public_id)


@require_POST
@section_view(KEY)
def delete(request, public_id):
    webhook = _access(request, public_id)
    actions.delete_webhook(webhook=webhook, actor=Actor(user=request.user))
    return saved(request, KEY, _("The webhook %(name)s was deleted.") % {"name": webhook.name})
