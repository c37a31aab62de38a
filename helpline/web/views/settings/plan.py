"""The plan and how much of each limit the account uses."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from helpline.tenancy.plans import PLAN_LABELS
from helpline.tenancy.usage import usage_report, usage_row
from helpline.web.views.settings.sections import render_section, section_view

KEY = "plan"


@require_GET
@section_view(KEY)
def plan(request):
    account = request.membership.account
    context = {
        "plan_label": PLAN_LABELS.get(account.plan, account.plan),
        "usage": [
            {**row, **usage_row(key=row["key"], used=row["used"], limit=row["limit"])} for row in usage_report(account)
        ],
    }
    return render_section(request, KEY, "settings/plan.html", context)
