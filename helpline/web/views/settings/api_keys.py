"""API keys: create (the raw key is shown once, in that response only), list, revoke."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.actions import create_api_key, revoke_api_key
from helpline.web.queries import get_api_key, list_api_keys
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "api_keys"


def _render(request, *, error: str = "", name: str = "", new_key=None, raw_key: str = ""):
    context = {
        "api_keys": list_api_keys(request.membership.account),
        "error": error,
        "name": name,
        "new_key": new_key,
        "raw_key": raw_key,
    }
    response = render_section(request, KEY, "settings/api_keys.html", context, status=422 if error else 200)
    response["Cache-Control"] = "no-store"  # the raw key must not linger in any cache
    return response


@require_GET
@section_view(KEY)
def api_keys(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    name = request.POST.get("name", "").strip()
    try:
        key, raw = create_api_key(account=request.membership.account, name=name, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render(request, error=exc.message, name=name)
    return _render(request, new_key=key, raw_key=raw)


@require_POST
@section_view(KEY)
def revoke(request, public_id):
    key = get_api_key(request.membership.account, public_id)
    if key is None:
        raise Http404(_("No such API key."))
    revoke_api_key(key=key, actor=Actor(user=request.user))
    return saved(request, KEY, _("The key %(name)s was revoked.") % {"name": key.name})
