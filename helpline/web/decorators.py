"""Gatekeepers for workspace views: signed in, a member of the current account, holding a permission."""

from __future__ import annotations

import zoneinfo
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone


def _account_timezone(account):
    try:
        return zoneinfo.ZoneInfo(account.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def workspace_view(*any_of_permissions: str):
    """Require a signed-in agent with an active membership; with permissions, require at least one of them.

    Times render in the account's time zone.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if not membership:
                if request.session.pop("account", None):
                    # The chosen account is gone (deactivated, or a stale session): fall back to another one.
                    return redirect(request.get_full_path() if request.method == "GET" else "/agent/")
                return render(request, "auth/no_account.html", status=403)
            if any_of_permissions and not any(membership.has_perm(p) for p in any_of_permissions):
                raise PermissionDenied
            with timezone.override(_account_timezone(membership.account)):
                return view(request, *args, **kwargs)

        return wrapper

    return decorate
