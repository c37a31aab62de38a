"""Visitor privacy for live chat: page tracking on or off, anonymised IP addresses, how long visitor data is kept,
and whether the widget honours Do Not Track."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.channels.chat.monitoring.actions import update_tracking_settings
from helpline.channels.chat.monitoring.models import MAX_RETENTION_DAYS
from helpline.channels.chat.monitoring.privacy import tracking_settings
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "chat_privacy"
SWITCHES = ("page_tracking", "anonymise_ips", "honour_dnt")


def _render(request, *, error: str = "", values=None):
    context = {
        "privacy": values or tracking_settings(request.membership.account),
        "max_days": MAX_RETENTION_DAYS,
        "error": error,
    }
    return render_section(request, KEY, "settings/chat_privacy.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def chat_privacy(request):
    return _render(request)


@require_POST
@section_view(KEY)
def update(request):
    values = {name: request.POST.get(name) == "on" for name in SWITCHES}
    days = request.POST.get("retention_days", "").strip()
    values["retention_days"] = days
    try:
        if not days.isdigit():
            raise DomainError(_("Keep visitor data for 1 to %(max)d days.") % {"max": MAX_RETENTION_DAYS})
        values["retention_days"] = int(days)
        update_tracking_settings(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, values=values)
    return saved(request, KEY, _("Visitor privacy saved."))
