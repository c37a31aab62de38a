"""Checking SLA levels and rules before they are saved; errors name the field (``targets.first_response.high``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.conversations.statuses import PRIORITY_BY_NAME
from helpline.core.errors import DomainError
from helpline.sla.models import TARGETS, SlaLevel

MAX_MINUTES = 366 * 24 * 60  # a year
MAX_PERCENT = 99


class SlaInvalid(DomainError):
    """A level or rule that cannot be saved; ``field`` is where."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


def _name(value, limit: int) -> str:
    if not isinstance(value, str):
        raise SlaInvalid("name", _("Must be a string."))
    value = value.strip()
    if not value or "\x00" in value:
        raise SlaInvalid("name", _("This field is required."))
    if len(value) > limit:
        raise SlaInvalid("name", _("Use at most %(n)d characters.") % {"n": limit})
    return value


def _minutes(value, where: str) -> int | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, bool):
        raise SlaInvalid(where, _("Must be a whole number of minutes."))
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise SlaInvalid(where, _("Must be a whole number of minutes.")) from exc
    if number < 0 or number > MAX_MINUTES:
        raise SlaInvalid(where, _("Must be between 0 and %(n)d minutes.") % {"n": MAX_MINUTES})
    return number or None


def clean_targets(targets) -> dict:
    """{target: {priority name: minutes}} without empty entries; at least one target."""
    if not isinstance(targets, dict):
        raise SlaInvalid("targets", _("Must be an object."))
    unknown = set(targets) - set(TARGETS)
    if unknown:
        raise SlaInvalid(f"targets.{sorted(map(str, unknown))[0]}", _("Unknown target."))
    cleaned = {}
    for target in TARGETS:
        per_priority = targets.get(target) or {}
        if not isinstance(per_priority, dict):
            raise SlaInvalid(f"targets.{target}", _("Must be an object."))
        wrong = set(per_priority) - set(PRIORITY_BY_NAME)
        if wrong:
            raise SlaInvalid(
                f"targets.{target}.{sorted(map(str, wrong))[0]}",
                _("Must be one of: %(choices)s.") % {"choices": ", ".join(PRIORITY_BY_NAME)},
            )
        minutes = {p: _minutes(per_priority.get(p), f"targets.{target}.{p}") for p in PRIORITY_BY_NAME}
        minutes = {p: m for p, m in minutes.items() if m}
        if minutes:
            cleaned[target] = minutes
    if not cleaned:
        raise SlaInvalid("targets", _("Give at least one target time."))
    return cleaned


def clean_warning(kind, value) -> tuple[str, int]:
    if kind not in (SlaLevel.MINUTES, SlaLevel.PERCENT):
        raise SlaInvalid("warning_kind", _("Must be one of: %(choices)s.") % {"choices": "minutes, percent"})
    number = _minutes(value, "warning_value") or 0
    if kind == SlaLevel.PERCENT and number > MAX_PERCENT:
        raise SlaInvalid("warning_value", _("Must be between 0 and %(n)d percent.") % {"n": MAX_PERCENT})
    return kind, number


def clean_calendar(account, public_id):
    """The account's calendar with this id; None (calendar hours) for an empty one."""
    from helpline.calendars.models import BusinessCalendar

    if public_id in (None, ""):
        return None
    calendar = BusinessCalendar.objects.filter(account=account, public_id=str(public_id)).first()
    if calendar is None:
        raise SlaInvalid("calendar", _("No such business-hours calendar."))
    return calendar


def clean_level(account, *, name, calendar, targets, warning_kind, warning_value) -> dict:
    kind, value = clean_warning(warning_kind, warning_value)
    return {
        "name": _name(name, 100),
        "calendar": clean_calendar(account, calendar),
        "targets": clean_targets(targets),
        "warning_kind": kind,
        "warning_value": value,
    }


def clean_rule(account, *, name, conditions, level) -> dict:
    """The rule's fields; conditions are checked by the event rules' own validator."""
    from helpline.automation.schema import RuleInvalid, validate_conditions

    if isinstance(level, SlaLevel):
        chosen = level if level.account_id == account.pk else None
    else:
        chosen = SlaLevel.objects.filter(account=account, public_id=str(level or "")).first()
    if chosen is None:
        raise SlaInvalid("level", _("No such SLA level."))
    try:
        checked = validate_conditions(account, conditions)
    except RuleInvalid as exc:
        raise SlaInvalid(exc.field, exc.message) from exc
    return {"name": _name(name, 200), "conditions": checked, "level": chosen}
