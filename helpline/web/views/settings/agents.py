"""Agents: the list, invitations by email (the link expires), roles and deactivation."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.actions import change_role, deactivate_member, invite_agent, set_answer_only_to_solve
from helpline.tenancy.models import Membership
from helpline.web.queries import (
    get_membership,
    get_role,
    list_memberships,
    list_pending_invitations,
    list_roles,
)
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "agents"
CUSTOM_PREFIX = "custom:"


def _render(request, *, error: str = "", error_for: str = "", invite_link: str = "", invite_values=None):
    account = request.membership.account
    role_choices = [(value, label) for value, label in Membership.ROLE_CHOICES if value != Membership.CUSTOM]
    context = {
        "memberships": list_memberships(account),
        "invitations": list_pending_invitations(account),
        "role_choices": role_choices,
        "invite_roles": [(Membership.AGENT, _("Agent")), (Membership.ADMIN, _("Admin"))],
        "custom_roles": list_roles(account),
        "custom_prefix": CUSTOM_PREFIX,
        "error": error,
        "error_for": error_for,
        "invite_link": invite_link,
        "invite_values": invite_values or {"email": "", "role": Membership.AGENT},
    }
    status = 422 if error else 200
    return render_section(request, KEY, "settings/agents.html", context, status=status)


def _membership_or_404(request, public_id):
    membership = get_membership(request.membership.account, public_id)
    if membership is None:
        raise Http404(_("No such agent."))
    return membership


@require_GET
@section_view(KEY)
def agents(request):
    return _render(request)


@require_POST
@section_view(KEY)
def invite(request):
    values = {"email": request.POST.get("email", "").strip(), "role": request.POST.get("role", "")}
    try:
        _invitation, token = invite_agent(
            account=request.membership.account, email=values["email"], role=values["role"],
            actor=Actor(user=request.user),
        )  # fmt: skip
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="invite", invite_values=values)
    link = request.build_absolute_uri(reverse("web:invite", args=[token]))
    response = _render(request, invite_link=link)
    response["Cache-Control"] = "no-store"
    return response


def _parse_role(request, chosen: str):
    """(role, custom role) from the select's value: a built-in role, or custom:<role public id>."""
    if chosen.startswith(CUSTOM_PREFIX):
        custom_role = get_role(request.membership.account, chosen.removeprefix(CUSTOM_PREFIX))
        if custom_role is None:
            raise DomainError(_("Choose a custom role of this account."))
        return Membership.CUSTOM, custom_role
    return chosen, None


@require_POST
@section_view(KEY)
def set_role(request, public_id):
    membership = _membership_or_404(request, public_id)
    try:
        role, custom_role = _parse_role(request, request.POST.get("role", "").strip())
        touches_owner = Membership.OWNER in (role, membership.role)
        if touches_owner and request.membership.role != Membership.OWNER:
            raise DomainError(_("Only an owner can give or take the owner role."))
        change_role(membership=membership, role=role, custom_role=custom_role, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=membership.public_id)
    return saved(request, KEY, _("Role of %(name)s saved.") % {"name": membership.user.display_name})


@require_POST
@section_view(KEY)
def set_to_solve_only(request, public_id):
    """The agent answers only through To solve (helpline.tosolve.answering), or freely again."""
    membership = _membership_or_404(request, public_id)
    value = request.POST.get("answer_only_to_solve") == "on"
    set_answer_only_to_solve(membership=membership, value=value, actor=Actor(user=request.user))
    return saved(request, KEY, _("To solve option of %(name)s saved.") % {"name": membership.user.display_name})


@require_POST
@section_view(KEY)
def deactivate(request, public_id):
    membership = _membership_or_404(request, public_id)
    try:
        if membership.pk == request.membership.pk:
            raise DomainError(_("You cannot deactivate yourself."))
        deactivate_member(membership=membership, actor=Actor(user=request.user))
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=membership.public_id)
    return saved(request, KEY, _("%(name)s was deactivated.") % {"name": membership.user.display_name})
