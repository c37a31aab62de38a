"""The plan and how much of each limit the account uses."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from helpline.tenancy.plans import PLAN_LABELS
from helpline.tenancy.usage import usage_report
from helpline.web.views.settings.sections import render_section, section_view

KEY = "plan"


def _with_share(row: dict) -> dict:
    used, limit = row["used"], row["limit"]
    share = None
    if used is not None and limit:
        share = min(100, round(100 * used / limit))
    elif used is not None and limit == 0:
        share = 100 if used else 0
    return {**row, "share": share, "full": limit is not None and used is not None and used >= limit}


@require_GET
@section_view(KEY)
def plan(request):
    account = request.membership.account
    context = {
        "plan_label": PLAN_LABELS.get(account.plan, account.plan),
        "usage": [_with_share(row) for row in usage_report(account)],
    }
    return render_section(request, KEY, "settings/plan.html", context)
