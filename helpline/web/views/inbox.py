"""The inbox: filters, search, keyset pages and bounded counts per status."""

from __future__ import annotations

from dataclasses import replace

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from helpline.channels.registry import registry
from helpline.conversations.selectors import count_tickets_by_status, list_ticket_summaries
from helpline.conversations.statuses import SETTABLE_STATUSES, Priority, Status
from helpline.conversations.visibility import restricted_user_id
from helpline.core.errors import DomainError
from helpline.filters.params import active_values
from helpline.filters.selectors import saved_filter_rows
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.htmx import targets
from helpline.web.inbox_filters import (
    ASSIGNEE_ME,
    ASSIGNEE_UNASSIGNED,
    InboxQuery,
    filter_choices,
    parse_inbox_query,
    raw_values,
)

LIST_ID = "ticket-list"
SLA_CHOICES = [
    ("overdue", gettext_lazy("Overdue")),
    ("due_soon", gettext_lazy("Due within an hour")),
    ("none", gettext_lazy("No due time")),
]


def _url_with(values: dict, **changes) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in {**values, **changes}.items():
        if value:
            query[key] = value
    encoded = query.urlencode()
    inbox_url = reverse("web:inbox")
    return f"{inbox_url}?{encoded}" if encoded else inbox_url


def _status_counts(account, query: InboxQuery) -> list[dict]:
    """One bounded count per status under the other active filters; 'all' leaves out spam and deleted."""
    statuses = [("", _("All active")), *((s.value, s.label) for s in SETTABLE_STATUSES)]
    counts = count_tickets_by_status(account, query.filter, [value for value, _label in statuses])
    rows = []
    for value, label in statuses:
        count, capped = counts[value]
        rows.append(
            {
                "value": value,
                "label": label,
                "count": count,
                "capped": capped,
                "url": _url_with(query.values, status=value),
                "active": query.values.get("status", "") == value,
            }
        )
    return rows


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@workspace_view(permissions.WORK_TICKETS, permissions.VIEW_ALL_TICKETS)
def inbox(request):
    return render_inbox(request)


def render_inbox(request, *, save_error: str = "", save_values: dict | None = None, status: int | None = None):
    """The inbox page (or, for htmx, its list) under the query string's filters; the saved-filter form's
    error, when saving the current filter failed."""
    account = request.membership.account
    choices = filter_choices(account)
    error, tickets, next_cursor, counts = "", [], None, []
    try:
        query = parse_inbox_query(request.GET, account=account, user=request.user, choices=choices)
        query = replace(query, filter=replace(query.filter, viewer=restricted_user_id(request.membership)))
        tickets, next_cursor = list_ticket_summaries(account, query.filter, cursor=query.cursor or None)
        counts = _status_counts(account, query)
    except DomainError as exc:
        query = InboxQuery(filter=None, values=raw_values(request.GET))
        error = exc.message
    context = {
        "tickets": tickets,
        "error": error,
        "values": query.values,
        "counts": counts,
        "older_url": _url_with(query.values, cursor=next_cursor) if next_cursor else "",
        "newest_url": _url_with(query.values) if query.cursor else "",
        "filtered": any(query.values.values()),
        "nav": "inbox",
        "saved_filters": saved_filter_rows(account, request.user, viewer=restricted_user_id(request.membership)),
        "current_url": _url_with(query.values),
        "filter_values": active_values(query.values),
        "save_error": save_error,
        "save_values": save_values or {},
    }
    status = status or (400 if error else 200)
    if targets(request, LIST_ID):
        return render(request, "agent/_ticket_list_response.html", context, status=status)
    context.update(
        {
            "agents": choices.agents,
            "departments": choices.departments,
            "tag_choices": [(name, name) for name in choices.tag_names],
            "channels": registry.kinds(),
            "statuses": [(s.value, s.label) for s in Status],
            "priorities": [(p.name.lower(), p.label) for p in Priority],
            "assignee_me": ASSIGNEE_ME,
            "assignee_unassigned": ASSIGNEE_UNASSIGNED,
            "brands": choices.brands,
            "sla_states": SLA_CHOICES,
            "field_filters": [(f, query.values.get(f.param, "")) for f in choices.fields],
            "filters_open": any(value for key, value in query.values.items() if key != "q"),
        }
    )
    return render(request, "agent/inbox.html", context, status=status)
