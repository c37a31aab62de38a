"""What the canned message and predefined answer screens share: which scopes a member may use, reading the posted
scope, and fetching an item the member may manage (another account's is a 404, someone else's a 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.replies.models import Scope
from helpline.replies.placeholders import known_names
from helpline.replies.selectors import manages_shared, may_manage
from helpline.tenancy.selectors import get_department, list_departments


def scope_choices(membership) -> list[tuple[str, str]]:
    """Everyone keeps personal items; department and shared ones need the settings permission."""
    if manages_shared(membership):
        return list(Scope.choices)
    return [(Scope.PERSONAL.value, Scope.PERSONAL.label)]


def posted_scope(request) -> tuple[str, object, object]:
    """(scope, owner, department) from the form; a scope the member may not use is refused with 403."""
    membership = request.membership
    scope = request.POST.get("scope", Scope.PERSONAL)
    if scope not in Scope.values:
        raise DomainError(_("Choose personal, department or shared."))
    if scope != Scope.PERSONAL and not manages_shared(membership):
        raise PermissionDenied
    department = None
    if scope == Scope.DEPARTMENT:
        department = get_department(membership.account, request.POST.get("department", ""))
        if department is None:
            raise DomainError(_("Choose a department of this account."))
    return scope, (request.user if scope == Scope.PERSONAL else None), department


def managed_or_error(membership, item):
    if item is None:
        raise Http404(_("Not found."))
    if not may_manage(membership, item):
        raise PermissionDenied
    return item


def form_context(membership) -> dict:
    return {
        "scope_choices": scope_choices(membership),
        "departments": list_departments(membership.account) if manages_shared(membership) else [],
        "placeholders": sorted(known_names(membership.account)),
    }


def scope_values(item) -> dict:
    return {
        "scope": item.scope,
        "department": item.department.public_id if item.department_id else "",
    }
