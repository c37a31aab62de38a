"""Signing in and out, switching the current account, accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.core.errors import DomainError, NotFound
from helpline.tenancy.actions import accept_invitation
from helpline.tenancy.actions.members import find_invitation
from helpline.tenancy.models import User
from helpline.tenancy.selectors import membership_for
from helpline.web.forms import AcceptInvitationForm, EmailLoginForm

SESSION_ACCOUNT = "account"


class SignInView(LoginView):
    template_name = "auth/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    next_page = "/login/"


@require_POST
def switch_account(request):
    if not request.user.is_authenticated:
        return redirect("web:login")
    chosen = request.POST.get("account", "").strip()
    membership = membership_for(request.user, chosen) if chosen else None
    if membership is None:
        raise Http404(_("You are not an agent of that account."))
    request.session[SESSION_ACCOUNT] = membership.account.public_id
    messages.success(request, _("You are now working in %(account)s.") % {"account": membership.account.name})
    return redirect("web:inbox")


def accept_invite(request, token):
    try:
        invitation = find_invitation(token)
    except NotFound as exc:
        return render(request, "auth/invite_invalid.html", {"message": exc.message}, status=404)
    has_login = User.objects.filter(email=invitation.email).exists()
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            membership = accept_invitation(
                token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            error = exc.message
        else:
            return _signed_in_after_invitation(request, membership, new_login=not has_login)
    context = {"invitation": invitation, "form": form, "has_login": has_login, "error": error}
    return render(request, "auth/invite.html", context, status=422 if error else 200)


def _signed_in_after_invitation(request, membership, *, new_login: bool):
    """A brand-new login is signed in at once; an existing one signs in with its own password."""
    if new_login or request.user == membership.user:
        if new_login:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_ACCOUNT] = membership.account.public_id
        messages.success(request, _("Welcome to %(account)s.") % {"account": membership.account.name})
        return redirect("web:inbox")
    messages.success(
        request,
        _("You joined %(account)s. Sign in with your existing password.") % {"account": membership.account.name},
    )
    return redirect("web:login")
