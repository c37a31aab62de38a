"""THE ticket filter definition: which query parameters filter tickets, what each accepts, and how it
becomes a TicketFilter. The inbox, saved filters and the API list (GET /api/v1/tickets) all parse here.

Parameters: status, priority, department, assignee (an agent id, ``me``, ``unassigned`` / ``none``), tag,
channel, brand, contact, company, created_from / created_to and activity_from / activity_to (YYYY-MM-DD,
both ends inclusive, in the current time zone), sla (overdue, due_soon, none), q, and ``cf.<key>`` for each
ticket custom field (text: contains; checkbox: true/false; number, date, dropdown: equals).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.conversations.custom_fields import coerce_value, ticket_fields_by_key
from helpline.conversations.filtering import SLA_STATES
from helpline.conversations.models import Tag
from helpline.conversations.selectors import TicketFilter
from helpline.conversations.statuses import PRIORITY_BY_NAME, Status
from helpline.core.errors import DomainError

FILTER_KEYS = (
    "status", "priority", "department", "assignee", "tag", "channel", "brand", "contact", "company",
    "created_from", "created_to", "activity_from", "activity_to", "sla", "q",
)  # fmt: skip
FIELD_PREFIX = "cf."
ASSIGNEE_ME = "me"
ASSIGNEE_UNASSIGNED = "unassigned"
MAX_QUERY = 200
MAX_VALUE = 200
MAX_FIELD_FILTERS = 20
DATE_RANGES = (("created_from", "created_to", "created"), ("activity_from", "activity_to", "activity"))


class FilterError(DomainError):
    """A filter value that does not parse or names nothing in the account; ``field`` is its parameter."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


def filter_values(params) -> dict[str, str]:
    """The filter parameters of a query string (or any mapping of str): every key of FILTER_KEYS ("" when
    absent) and the ``cf.<key>`` ones given, trimmed."""
    values = {key: str(params.get(key) or "").strip()[:MAX_VALUE] for key in FILTER_KEYS}
    values["q"] = values["q"][:MAX_QUERY]
    fields = sorted(key for key in params if key.startswith(FIELD_PREFIX) and str(params.get(key) or "").strip())
    for key in fields[:MAX_FIELD_FILTERS]:
        values[key] = str(params.get(key)).strip()[:MAX_VALUE]
    return values


def active_values(values: dict[str, str]) -> dict[str, str]:
    """Only the filters in use: what a saved filter stores."""
    return {key: value for key, value in values.items() if value}


def parse_filter(values: dict[str, str], *, account, user=None, choices=None) -> TicketFilter:
    """The TicketFilter of filter_values(); raises FilterError for a value that is wrong or names nothing.

    ``choices`` (the inbox's cached FilterChoices) spares the look-ups of agents, departments and tags it
    lists; anything missing from it is looked up before it is refused, so a stale cache refuses nothing.
    """
    status = values.get("status", "")
    if status and status not in Status.values:
        raise FilterError("status", _("Unknown status %(status)s.") % {"status": status})
    priority = values.get("priority", "").lower()
    if priority and priority not in PRIORITY_BY_NAME:
        raise FilterError("priority", _("Unknown priority %(priority)s.") % {"priority": priority})
    sla = values.get("sla", "")
    if sla and sla not in SLA_STATES:
        raise FilterError("sla", _("The SLA state is overdue, due_soon or none."))
    bounds = {}
    for start, end, name in DATE_RANGES:
        after, before = _day_start(values, start), _day_start(values, end)
        if before is not None:
            before += timedelta(days=1)  # the end day is included
        if after and before and after >= before:
            raise FilterError(end, _("The end date comes before the start date."))
        bounds[f"{name}_after"], bounds[f"{name}_before"] = after, before
    return TicketFilter(
        status=status,
        priority=priority,
        department=_department(account, values.get("department", ""), choices),
        assignee=_assignee(account, values.get("assignee", ""), user, choices),
        tag=_tag(account, values.get("tag", ""), choices),
        channel=values.get("channel", "")[:16],
        q=values.get("q", "")[:MAX_QUERY],
        brand_id=_pk_of(account, "brand", values.get("brand", "")),
        contact_id=_pk_of(account, "contact", values.get("contact", "")),
        company_id=_pk_of(account, "company", values.get("company", "")),
        sla=sla,
        fields=_field_filters(account, values),
        **bounds,
    )


def _day_start(values: dict, key: str) -> datetime | None:
    raw = values.get(key, "")
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FilterError(key, _("Enter the date as YYYY-MM-DD.")) from None
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _assignee(account, value: str, user, choices) -> str:
    from helpline.tenancy.selectors import get_agent

    if not value:
        return ""
    if value in (ASSIGNEE_UNASSIGNED, "none"):
        return "none"
    if value == ASSIGNEE_ME:
        if user is None:
            raise FilterError("assignee", _("“me” names the signed-in agent; use an agent id here."))
        return user.public_id
    if (choices is None or value not in {v for v, _name in choices.agents}) and not get_agent(account, value):
        raise FilterError("assignee", _("There is no such agent in this account."))
    return value


def _department(account, value: str, choices) -> str:
    from helpline.tenancy.selectors import get_department

    listed = choices is not None and value in {v for v, _name in choices.departments}
    if value and not listed and not get_department(account, value):
        raise FilterError("department", _("There is no such department in this account."))
    return value


def _tag(account, value: str, choices) -> str:
    listed = choices is not None and value in choices.tag_names
    if value and not listed and not Tag.objects.filter(account=account, name=value).exists():
        raise FilterError("tag", _("There is no tag named “%(tag)s”.") % {"tag": value})
    return value


def _pk_of(account, kind: str, public_id: str) -> int | None:
    from helpline.people.models import Company, Contact
    from helpline.tenancy.models import Brand

    if not public_id:
        return None
    model, message = {
        "brand": (Brand, _("There is no such brand in this account.")),
        "contact": (Contact, _("There is no such contact in this account.")),
        "company": (Company, _("There is no such company in this account.")),
    }[kind]
    pk = model.objects.filter(account=account, public_id=public_id).values_list("pk", flat=True).first()
    if pk is None:
        raise FilterError(kind, message)
    return pk


def _field_filters(account, values: dict) -> tuple:
    keys = [key for key in values if key.startswith(FIELD_PREFIX) and values[key]]
    if not keys:
        return ()
    fields = ticket_fields_by_key(account)
    filters = []
    for param in keys:
        field = fields.get(param[len(FIELD_PREFIX) :])
        if field is None:
            raise FilterError(param, _("There is no ticket field with the key %(key)s.") % {"key": param[3:]})
        try:
            value = coerce_value(field, values[param])
        except DomainError as exc:
            raise FilterError(param, exc.message) from None
        filters.append((field.pk, field.kind, value))
    return tuple(filters)
