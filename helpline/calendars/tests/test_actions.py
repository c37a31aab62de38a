"""Saving calendars and holidays: checked input, one audit row, an event after commit; a stored calendar answers
the same questions as its schedule (holidays included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpline.calendars.actions import add_holiday, remove_holiday, save_calendar
from helpline.calendars.models import BusinessCalendar, Holiday
from helpline.calendars.schedule import is_open, next_open
from helpline.core.errors import Conflict, DomainError
from helpline.events import types as ev
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db

OFFICE = {"mon": [["13:00", "17:00"], ["09:00", "12:00"]], "fri": [["22:00", "02:00"]]}


@pytest.fixture
def published(monkeypatch):
    from helpline.events import bus

    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    return seen


def test_save_a_calendar(account, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar = save_calendar(account=account, name=" Office ", timezone="Europe/Berlin", weekly=OFFICE)
    calendar.refresh_from_db()
    assert (calendar.name, calendar.timezone) == ("Office", "Europe/Berlin")
    assert calendar.weekly == {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "fri": [["22:00", "02:00"]]}
    assert AuditEntry.objects.get(action="calendar.created").subject_id == calendar.public_id
    assert published == [ev.BusinessCalendarChanged(account_id=account.pk, calendar_id=calendar.pk, change="created")]


def test_saving_the_same_values_again_writes_nothing(account):
    calendar = save_calendar(account=account, name="Office", timezone="UTC", weekly=OFFICE)
    save_calendar(account=account, calendar=calendar, name="Office", timezone="UTC", weekly=OFFICE)
    assert not AuditEntry.objects.filter(action="calendar.changed").exists()
    save_calendar(account=account, calendar=calendar, name="Office", timezone="Asia/Tokyo", weekly=OFFICE)
    assert AuditEntry.objects.get(action="calendar.changed").data == {"timezone": ["UTC", "Asia/Tokyo"]}


@pytest.mark.parametrize(
    ("timezone", "weekly", "message"),
    [
        ("Mars/Base", {}, "Unknown time zone Mars/Base; pick one such as Europe/Berlin."),
        ("", {}, "Unknown time zone —; pick one such as Europe/Berlin."),
        ("UTC", {"mon": [["9:00", "17:00"]]}, "Monday: write times as HH:MM, from 00:00 to 23:59."),
        ("UTC", {"tue": [["09:00"]]}, "Tuesday needs a from and a to time."),
        ("UTC", {"tue": "09:00-17:00"}, "Tuesday needs a from and a to time."),
        ("UTC", {"caturday": []}, "Unknown weekday: caturday."),
        ("UTC", [["09:00", "17:00"]], "Business hours are a weekly schedule of from / to times."),
        ("UTC", {"wed": [["09:00", "10:00"]] * 7}, "Wednesday: at most 6 opening intervals."),
    ],
)
def test_bad_calendars_are_refused_and_nothing_is_stored(account, timezone, weekly, message):
    with pytest.raises(DomainError) as caught:
        save_calendar(account=account, name="Office", timezone=timezone, weekly=weekly)
    assert caught.value.message == message
    assert not BusinessCalendar.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_another_accounts_calendar_cannot_be_changed(account, other_account):
    theirs = save_calendar(account=other_account, name="Theirs", timezone="UTC", weekly=OFFICE)
    with pytest.raises(DomainError):
        save_calendar(account=account, calendar=theirs, name="Mine", timezone="UTC", weekly={})
    theirs.refresh_from_db()
    assert (theirs.name, theirs.weekly["fri"]) == ("Theirs", [["22:00", "02:00"]])


def test_holidays_close_the_stored_calendar(account):
    calendar = save_calendar(account=account, name="Office", timezone="UTC", weekly=OFFICE)
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert is_open(calendar, monday) is True
    once = add_holiday(calendar=calendar, day=date(2026, 3, 2), name="Closed")
    yearly = add_holiday(calendar=calendar, day=date(2020, 3, 9), recurring=True)
    calendar = BusinessCalendar.objects.prefetch_related("holidays").get(pk=calendar.pk)
    assert is_open(calendar, monday) is False
    assert next_open(calendar, monday) == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    with pytest.raises(Conflict):
        add_holiday(calendar=calendar, day=date(2026, 3, 2))
    remove_holiday(holiday=once)
    remove_holiday(holiday=yearly)
    assert not Holiday.objects.exists()
    assert list(AuditEntry.objects.filter(action__startswith="calendar.holiday").values_list("action", flat=True)) == [
        "calendar.holiday_added",
        "calendar.holiday_added",
        "calendar.holiday_removed",
        "calendar.holiday_removed",
    ]
