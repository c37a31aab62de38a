"""Brands: name, domain, colours, and which one is the default."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.actions import create_brand, update_brand
from helpline.web.queries import get_brand, list_brands
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "brands"
NEW_BRAND = {"name": "", "domain": "", "primary_colour": "#2563eb", "accent_colour": "#0f766e"}


def _values(post) -> dict:
    return {
        "name": post.get("name", "").strip(),
        "domain": post.get("domain", "").strip(),
        "primary_colour": post.get("primary_colour", "").strip(),
        "accent_colour": post.get("accent_colour", "").strip(),
        "make_default": post.get("make_default") == "on",
    }


def _render(request, *, error: str = "", error_for: str = "", new_values=None):
    context = {
        "brands": list_brands(request.membership.account),
        "error": error,
        "error_for": error_for,
        "new_values": new_values or NEW_BRAND,
    }
    return render_section(request, KEY, "settings/brands.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def brands(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = _values(request.POST)
    try:
        brand = create_brand(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="new", new_values=values)
    return saved(request, KEY, _("Brand %(name)s created.") % {"name": brand.name})


@require_POST
@section_view(KEY)
def update(request, public_id):
    brand = get_brand(request.membership.account, public_id)
    if brand is None:
        raise Http404(_("No such brand."))
    try:
        update_brand(brand=brand, actor=Actor(user=request.user), **_values(request.POST))
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Brand %(name)s saved.") % {"name": brand.name})
