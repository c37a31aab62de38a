"""Chat routing: the account's strategy and timings, each department's strategy, agents' priorities and limits."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.routing.actions import set_agent_routing, set_department_strategy, update_routing_settings
from helpline.routing.models import DepartmentRouting, Strategy
from helpline.routing.selectors import list_agent_routing
from helpline.routing.settings import account_routing
from helpline.tenancy.selectors import get_agent, get_department, list_departments
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "routing"
ACCOUNT_FIELDS = ("strategy", "ring_seconds", "chat_limit", "auto_pause_after", "idle_release_minutes")


def _render(request, *, error: str = "", error_for: str = "", values=None):
    account = request.membership.account
    strategies = dict(DepartmentRouting.objects.filter(account=account).values_list("department_id", "strategy"))
    context = {
        "routing": values or account_routing(account),
        "strategies": Strategy.choices,
        "departments": [(d, strategies.get(d.pk, "")) for d in list_departments(account)],
        "agent_rows": list_agent_routing(account),
        "error": error,
        "error_for": error_for,
    }
    return render_section(request, KEY, "settings/routing.html", context, status=422 if error else 200)


@require_GET
@section_view(KEY)
def routing(request):
    return _render(request)


@require_POST
@section_view(KEY)
def update(request):
    values = {field: request.POST.get(field, "") for field in ACCOUNT_FIELDS}
    try:
        update_routing_settings(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="account", values=values)
    return saved(request, KEY, _("Chat routing saved."))


@require_POST
@section_view(KEY)
def department(request, public_id):
    found = get_department(request.membership.account, public_id)
    if found is None:
        raise Http404(_("No such department."))
    try:
        set_department_strategy(
            department=found, strategy=request.POST.get("strategy", ""), actor=Actor(user=request.user)
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Routing of %(name)s saved.") % {"name": found.name})


@require_POST
@section_view(KEY)
def agent(request, public_id):
    account = request.membership.account
    user = get_agent(account, public_id)
    if user is None:
        raise Http404(_("No such agent."))
    try:
        set_agent_routing(
            account=account,
            user=user,
            priority=request.POST.get("priority", ""),
            chat_limit=request.POST.get("chat_limit", "").strip() or None,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id)
    return saved(request, KEY, _("Routing of %(name)s saved.") % {"name": user.display_name})
