"""Custom roles: a name and a set of permissions to pick from."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy import permissions
from helpline.tenancy.actions import create_role
from helpline.web.queries import list_roles
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "roles"


def _render(request, *, error: str = "", values=None):
    context = {
        "roles": [
            {"role": role, "labels": [permissions.ALL.get(key, key) for key in role.permissions]}
            for role in list_roles(request.membership.account)
        ],
        "permission_choices": list(permissions.ALL.items()),
        "error": error,
        "values": values or {"name": "", "permissions": []},
    }
    return render_section(request, KEY, "settings/roles.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def roles(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = {
        "name": request.POST.get("name", "").strip(),
        "permissions": request.POST.getlist("permissions"),
    }
    try:
        role = create_role(
            account=request.membership.account, name=values["name"], permission_keys=values["permissions"],
            actor=Actor(user=request.user),
        )  # fmt: skip
    except DomainError as exc:
        return _render(request, error=exc.message, values=values)
    return saved(request, KEY, _("Role %(name)s created.") % {"name": role.name})
