"""Account settings: name, time zone and language."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.actions import update_account
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "account"


@cache
def _timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def account_settings(request):
    account = request.membership.account
    values = {"name": account.name, "timezone": account.timezone, "locale": account.locale}
    error = ""
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            if not values["name"]:
                raise DomainError(_("The account needs a name."))
            if values["locale"] not in dict(settings.LANGUAGES):
                raise DomainError(_("Choose one of the listed languages."))
            update_account(account=account, actor=Actor(user=request.user), **values)
        except DomainError as exc:
            account.refresh_from_db()
            error = exc.message
        else:
            return saved(request, KEY, _("Account settings saved."))
    context = {"values": values, "timezones": _timezones(), "languages": settings.LANGUAGES, "error": error}
    return render_section(request, KEY, "settings/account.html", context, status=422 if error else 200)
