"""Banned visitors: review the active bans, ban an IP address, a network or a visitor id, lift a ban."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from helpline.core import clock
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.actions import ban_visitor, lift_ban
from helpline.security.actions.bans import guess_kind
from helpline.security.bans import get_ban, list_active_bans
from helpline.security.models import Ban
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "bans"
PER_PAGE = 50
DURATIONS = [
    ("1", gettext_lazy("1 hour")),
    ("24", gettext_lazy("1 day")),
    ("168", gettext_lazy("7 days")),
    ("720", gettext_lazy("30 days")),
    ("", gettext_lazy("Until lifted")),
]
KINDS = [("", gettext_lazy("Detect from the value")), *Ban.KIND_CHOICES]


def _render(request, *, error: str = "", values=None):
    paginator = Paginator(list_active_bans(request.membership.account), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "bans": page.object_list,
        "durations": DURATIONS,
        "kinds": KINDS,
        "values": values or {"value": "", "kind": "", "duration": "24", "reason": ""},
        "error": error,
        "error_for": "new" if error else "",
    }
    return render_section(request, KEY, "settings/bans.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def bans(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = {field: request.POST.get(field, "").strip() for field in ("value", "kind", "duration", "reason")}
    try:
        if values["duration"] not in {d for d, _label in DURATIONS}:
            raise DomainError(_("Choose how long the ban lasts."))
        expires_at = clock.now() + timedelta(hours=int(values["duration"])) if values["duration"] else None
        ban = ban_visitor(
            account=request.membership.account,
            kind=values["kind"] or guess_kind(values["value"]),
            value=values["value"],
            reason=values["reason"],
            expires_at=expires_at,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, values=values)
    return saved(request, KEY, _("%(value)s is banned.") % {"value": ban.value})


@require_POST
@section_view(KEY)
def lift(request, public_id):
    ban = get_ban(request.membership.account, public_id)
    if ban is None:
        raise Http404(_("No such ban."))
    lift_ban(ban=ban, actor=Actor(user=request.user))
    return saved(request, KEY, _("The ban on %(value)s was lifted.") % {"value": ban.value})
