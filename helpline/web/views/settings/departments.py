"""Departments: create, rename, choose members."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.actions import create_department, set_department_members, update_department
from helpline.tenancy.selectors import get_department, list_agents
from helpline.web.queries import list_departments_with_members
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "departments"


def _render(request, *, error: str = "", error_for: str = "", new_values=None):
    account = request.membership.account
    context = {
        "departments": list_departments_with_members(account),
        "agents": list_agents(account),
        "error": error,
        "error_for": error_for,
        "new_values": new_values or {"name": "", "description": ""},
    }
    return render_section(request, KEY, "settings/departments.html", context, status=422 if error else 200)


def _department_or_404(request, public_id):
    department = get_department(request.membership.account, public_id)
    if department is None:
        raise Http404(_("No such department."))
    return department


@require_GET
@section_view(KEY)
def departments(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = {
        "name": request.POST.get("name", "").strip(),
        "description": request.POST.get("description", ""),
    }
    try:
        department = create_department(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="new", new_values=values)
    return saved(request, KEY, _("Department %(name)s created.") % {"name": department.name})


@require_POST
@section_view(KEY)
def rename(request, public_id):
    department = _department_or_404(request, public_id)
    name, description = request.POST.get("name", ""), request.POST.get("description", "")
    try:
        update_department(department=department, name=name, description=description, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Department %(name)s saved.") % {"name": department.name})


@require_POST
@section_view(KEY)
def set_members(request, public_id):
    department = _department_or_404(request, public_id)
    account = request.membership.account
    agents_by_id = {agent.public_id: agent for agent in list_agents(account)}
    chosen = request.POST.getlist("members")
    try:
        if any(agent_id not in agents_by_id for agent_id in chosen):
            raise DomainError(_("Only agents of this account can join its departments."))
        set_department_members(
            department=department, users=[agents_by_id[a] for a in chosen], actor=Actor(user=request.user)
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Members of %(name)s saved.") % {"name": department.name})
