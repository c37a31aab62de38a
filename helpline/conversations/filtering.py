"""The ticket filters beyond status, department, assignee, tag, channel, priority and search.

TicketFilter carries them already resolved (primary keys, datetimes, coerced custom field values) by
helpline.filters.params.parse_filter, so applying them costs no extra query.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef

from helpline.conversations.models import CustomField, CustomFieldValue
from helpline.core import clock

SLA_OVERDUE, SLA_DUE_SOON, SLA_NONE = "overdue", "due_soon", "none"
SLA_STATES = (SLA_OVERDUE, SLA_DUE_SOON, SLA_NONE)
DUE_SOON = timedelta(hours=1)


def apply_extra_filters(qs, f):
    if f.brand_id:
        qs = qs.filter(brand_id=f.brand_id)
    if f.contact_id:
        qs = qs.filter(contact_id=f.contact_id)
    if f.company_id:
        qs = qs.filter(contact__company_id=f.company_id)
    if f.created_after:
        qs = qs.filter(created_at__gte=f.created_after)
    if f.created_before:
        qs = qs.filter(created_at__lt=f.created_before)
    if f.activity_after:
        qs = qs.filter(last_activity_at__gte=f.activity_after)
    if f.activity_before:
        qs = qs.filter(last_activity_at__lt=f.activity_before)
    if f.sla:
        qs = _with_sla_state(qs, f.sla)
    for field_id, kind, value in f.fields:
        qs = _with_field_value(qs, field_id, kind, value)
    return qs


def _with_sla_state(qs, state: str):
    now = clock.now()
    if state == SLA_OVERDUE:
        return qs.filter(sla_due_at__lt=now)
    if state == SLA_DUE_SOON:
        return qs.filter(sla_due_at__gte=now, sla_due_at__lt=now + DUE_SOON)
    return qs.filter(sla_due_at__isnull=True)


def _with_field_value(qs, field_id: int, kind: str, value):
    """A correlated EXISTS probed through the (field, ticket) unique index for each ticket the list reads, so a
    page costs about as many probes as the rows it walks in the inbox's order. The semi-join it replaces read
    every value of the field first: 100,000 values and a sort, ~600 ms at 1,000,000 tickets (benchmarks.md)."""
    values = CustomFieldValue.objects.filter(field_id=field_id, ticket_id=OuterRef("pk"))
    if kind == CustomField.CHECKBOX and value is False:  # unticked: false, or never set
        return qs.filter(~Exists(values.filter(value=True)))
    values = values.filter(value__icontains=value) if kind == CustomField.TEXT else values.filter(value=value)
    return qs.filter(Exists(values))
