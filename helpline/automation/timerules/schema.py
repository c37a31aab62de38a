"""The one validator of time rules (settings screen and API): the clock, the threshold, how it is counted, and the
event rules' conditions (except the event's own fields: a time rule has no event) and actions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.automation.models import TimeRule
from helpline.automation.schema import RuleInvalid, _References, _text, validate_actions, validate_conditions

MAX_MINUTES = 366 * 24 * 60  # a year
MIN_MINUTES = 5  # the sweep runs every minute; a shorter wait would race the writes that move the clock
EVENT_PREFIX = "event."


def _minutes(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleInvalid("after_minutes", _("Must be a whole number of minutes."))
    try:
        minutes = float(str(value).strip())
    except ValueError as exc:
        raise RuleInvalid("after_minutes", _("Must be a whole number of minutes.")) from exc
    if minutes != int(minutes):
        raise RuleInvalid("after_minutes", _("Must be a whole number of minutes."))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise RuleInvalid(
            "after_minutes",
            _("Must be between %(low)d minutes and %(high)d minutes (a year).") % {"low": MIN_MINUTES,
                                                                                     "high": MAX_MINUTES},
        )  # fmt: skip
    return int(minutes)


def _calendar(account, hours, calendar):
    from helpline.calendars.models import BusinessCalendar

    if hours not in dict(TimeRule.HOURS_CHOICES):
        raise RuleInvalid("hours", _("Must be one of: %(choices)s.") % {"choices": "calendar, business"})
    if hours == TimeRule.CALENDAR_HOURS:
        return None
    if not calendar:
        raise RuleInvalid("calendar", _("Choose the business-hours calendar to count in."))
    if not isinstance(calendar, str):
        raise RuleInvalid("calendar", _("Must be a string."))
    found = BusinessCalendar.objects.filter(account=account, public_id=calendar[:16]).first()
    if found is None:
        raise RuleInvalid("calendar", _("No such business-hours calendar."))
    return found


def validate_time_rule(account, *, name, clock, after_minutes, hours, calendar, conditions, actions) -> dict:
    """The rule's fields, checked and normalised (``calendar`` as the BusinessCalendar or None); raises RuleInvalid
    naming the first problem."""
    refs = _References(account)
    if clock not in dict(TimeRule.CLOCK_CHOICES):
        raise RuleInvalid(
            "clock", _("Must be one of: %(choices)s.") % {"choices": ", ".join(dict(TimeRule.CLOCK_CHOICES))}
        )
    fields = {
        "name": _text(name, "name", limit=200),
        "clock": clock,
        "after_minutes": _minutes(after_minutes),
        "hours": hours,
        "calendar": _calendar(account, hours, calendar),
        "conditions": validate_conditions(account, conditions, refs=refs),
    }
    for g, group in enumerate(fields["conditions"]["groups"]):
        for c, condition in enumerate(group["conditions"]):
            if condition["field"].startswith(EVENT_PREFIX):
                raise RuleInvalid(
                    f"conditions.groups.{g}.conditions.{c}.field",
                    _("A time rule has no event: %(field)s is for event rules.") % {"field": condition["field"]},
                )
    fields["actions"] = validate_actions(account, actions, refs=refs)
    return fields
