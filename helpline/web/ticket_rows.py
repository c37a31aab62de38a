"""The inbox's ticket rows as HTML, built in Python.

A page shows 50 rows; rendering them with a per-row Django template cost about 0.85 ms a row, the largest
part of the page's CPU time. This builds the same markup in about a tenth of that. Every value that comes
from the database or a translation passes through `escape` (the escaping of django.utils.html.escape,
without its lazy-string wrapper, which is most of its cost). Keep the markup in step with
static/helpline/*.css and tests/browser/test_workspace.py (a.ticket-row, data-ticket-row, …).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_datetime
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from helpline.conversations.selectors import TicketSummary
from helpline.conversations.statuses import Priority, Status
from helpline.web.templatetags.workspace import ago

_URL_MARKER = "TICKETPUBLICID00"  # a well-formed public id, replaced by each ticket's own

_ROW = """      <li>{check}
        <a class="ticket-row ticket-row--p{priority}" href="{url}" data-ticket-row="{public_id}">
          <span class="ticket-row__who">
            <span class="avatar avatar--soft" aria-hidden="true">{initial}</span>
            <span class="ticket-row__contact">{contact}</span>
          </span>
          <span class="ticket-row__main">
            <span class="ticket-row__subject">{subject}</span>
            <span class="ticket-row__meta">
              <span class="ticket-row__contact-inline">{contact}</span>
              <span class="code">#{code}</span>
              <span>{channel}</span>
              {department}
              {tags}
            </span>
          </span>
          <span class="ticket-row__side">
            <span class="badge badge--{status}">{status_label}</span>
            {priority_badge}
            <span class="ticket-row__assignee">{assignee}</span>
            <time datetime="{iso_time}" title="{full_time}">{ago}</time>{due}
          </span>
        </a>
      </li>
"""


class _PageParts:
    """What every row of one rendering shares: translated labels, the ticket URL around the id, formats."""

    def __init__(self):
        self.url_prefix, _marker, self.url_suffix = reverse("web:ticket", args=[_URL_MARKER]).partition(_URL_MARKER)
        self.status_labels = {value: escape(str(label)) for value, label in Status.choices}
        self.priority_badges = {
            value: f'<span class="priority priority--p{value}">{escape(str(label))}</span>'
            for value, label in Priority.choices
            if value >= Priority.HIGH
        }
        self.unassigned = f"<em>{escape(_('Unassigned'))}</em>"
        self.datetime_format = get_format("DATETIME_FORMAT")
        self.select_label = ""
        self.due_label = _("Due %(time)s")


def render_ticket_rows(tickets: list[TicketSummary], *, selectable: bool = False) -> SafeString:
    """The <li> rows of the inbox list; ``selectable`` rows carry a checkbox for bulk actions (bulk.js)."""
    parts = _PageParts()
    parts.select_label = escape(_("Select ticket")) if selectable else ""
    return SafeString("".join([_row(t, parts) for t in tickets]))


def _row(t: TicketSummary, parts: _PageParts) -> str:
    contact = t.contact_name
    when = timezone.localtime(t.last_activity_at) if timezone.is_aware(t.last_activity_at) else t.last_activity_at
    public_id = escape(t.public_id)
    status = t.status
    check = ""
    if parts.select_label:
        check = (
            f'<input type="checkbox" class="ticket-row__check" form="bulk-form" name="tickets" value="{public_id}" '
            f'aria-label="{parts.select_label} #{escape(t.code)}" data-bulk-check>'
        )
    return _ROW.format(
        check=check,
        priority=int(t.priority),
        url=f"{parts.url_prefix}{public_id}{parts.url_suffix}",
        public_id=public_id,
        initial=escape(contact[:1].upper()),
        contact=escape(contact),
        subject=escape(t.subject),
        code=escape(t.code),
        channel=escape(t.channel),
        department=f"<span>{escape(t.department_name)}</span>" if t.department_name else "",
        tags="".join([f'<span class="tag">{escape(name)}</span>' for name in t.tag_names]),
        status=escape(status),
        status_label=parts.status_labels.get(status) or escape(status),
        priority_badge=parts.priority_badges.get(t.priority, ""),
        assignee=escape(t.assignee_name) if t.assignee_name else parts.unassigned,
        iso_time=when.isoformat(),
        full_time=escape(format_datetime(when, parts.datetime_format)),
        ago=escape(ago(t.last_activity_at)),
        due=_due(t.sla_due_at, parts),
    )


def _due(due_at, parts: _PageParts) -> str:
    """The SLA countdown (static/sla/countdown.js makes it live): nothing without a due time."""
    if due_at is None:
        return ""
    when = timezone.localtime(due_at) if timezone.is_aware(due_at) else due_at
    iso = escape(due_at.isoformat())
    text = escape(parts.due_label % {"time": format_datetime(when, parts.datetime_format)})
    return f'<time class="sla-due" datetime="{iso}" data-sla-due="{iso}">{text}</time>'
