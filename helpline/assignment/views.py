"""Settings → Departments: the automatic assignment form of each department and of the account's default."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.assignment import actions, selectors
from helpline.assignment.models import Mode
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import get_department
from helpline.web.views.settings.sections import saved, section_view

KEY = "departments"


def form_context(account, departments) -> dict:
    """What the department page needs for the forms (one query for all departments, one for the default);
    each department gets ``auto_assignment``."""
    selectors.with_assignment(departments)
    for department in departments:
        department.auto_assignment = selectors.department_assignment(department)
    default = selectors.account_default(account)
    return {
        "assignment_modes": Mode.choices,
        "default_assignment_modes": [(m.value, m.label) for m in Mode if m != Mode.INHERIT],
        "default_assignment": {"mode": default.mode, "max_open_tickets": default.max_open},
    }


def _max_open(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise DomainError(_("The open tickets per agent must be between 1 and 10000."))
    return int(value)


def _save(request, department):
    from helpline.web.views.settings.departments import _render

    try:
        actions.set_assignment(
            account=request.membership.account,
            department=department,
            mode=request.POST.get("mode", ""),
            max_open=_max_open(request.POST.get("max_open", "")),
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=department.public_id if department else "defaults")
    return saved(request, KEY, _("Automatic assignment saved."))


@require_POST
@section_view(KEY)
def department_assignment(request, public_id):
    department = get_department(request.membership.account, public_id)
    if department is None:
        raise Http404(_("No such department."))
    return _save(request, department)


@require_POST
@section_view(KEY)
def default_assignment(request):
    return _save(request, None)
