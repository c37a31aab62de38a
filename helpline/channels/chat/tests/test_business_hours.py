"""Business hours of a chat button: open / closed at exact times in the account's time zone (overnight hours, both
daylight-saving changes), and the widget honouring them: the frame shows the offline form, a chat cannot start."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from helpline.channels.chat import hours
from helpline.channels.chat.actions import update_chat_button
from helpline.channels.chat.models import ChatButton, ChatSession
from helpline.channels.chat.tests.conftest import VISITOR, make_available
from helpline.conversations.models import Ticket
from helpline.core import clock as core_clock
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import update_account

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_5 = {day: ["09:00", "17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch):
    """The controlled clock: set ``now.at`` to a UTC datetime."""

    class Clock:
        at = utc(2026, 3, 2, 9, 0)

    monkeypatch.setattr(core_clock, "now", lambda: Clock.at)
    return Clock


@pytest.fixture
def berlin(account):
    update_account(account=account, timezone="Europe/Berlin")
    account.refresh_from_db()
    return account


def with_hours(button, schedule) -> ChatButton:
    button = update_chat_button(button=button, hours_enabled=True, business_hours=schedule)
    return ChatButton.objects.select_related("account").get(pk=button.pk)


def test_a_button_without_business_hours_is_always_open(button):
    assert (button.hours_enabled, button.business_hours) == (False, {})
    assert hours.is_open(button, utc(2026, 3, 1, 3, 0)) is True


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 3, 2, 7, 59), False),  # Monday 08:59 in Berlin (CET, UTC+1)
        (utc(2026, 3, 2, 8, 0), True),  # 09:00
        (utc(2026, 3, 2, 15, 59), True),  # 16:59
        (utc(2026, 3, 2, 16, 0), False),  # 17:00: the end is exclusive
        (utc(2026, 3, 7, 10, 0), False),  # Saturday 11:00: a day not in the schedule is closed
    ],
)
def test_open_and_closed_at_exact_times_in_the_accounts_time_zone(button, berlin, at, expected):
    assert hours.is_open(with_hours(button, WEEKDAYS_9_TO_5), at) is expected


def test_the_same_instant_is_judged_in_each_accounts_own_zone(button, other_button, berlin, other_account):
    update_account(account=other_account, timezone="America/New_York")
    berlin_button = with_hours(button, WEEKDAYS_9_TO_5)
    new_york_button = with_hours(other_button, WEEKDAYS_9_TO_5)
    at = utc(2026, 3, 2, 15, 0)  # 16:00 in Berlin, 10:00 in New York
    assert (hours.is_open(berlin_button, at), hours.is_open(new_york_button, at)) == (True, True)
    at = utc(2026, 3, 2, 13, 30)  # 14:30 in Berlin, 08:30 in New York
    assert (hours.is_open(berlin_button, at), hours.is_open(new_york_button, at)) == (True, False)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 3, 6, 20, 59), False),  # Friday 21:59
        (utc(2026, 3, 6, 21, 0), True),  # Friday 22:00
        (utc(2026, 3, 6, 23, 0), True),  # Saturday 00:00
        (utc(2026, 3, 7, 0, 59), True),  # Saturday 01:59: Friday's hours reach past midnight
        (utc(2026, 3, 7, 1, 0), False),  # Saturday 02:00
        (utc(2026, 3, 7, 22, 0), False),  # Saturday 23:00: Saturday has no hours of its own
        (utc(2026, 3, 4, 0, 30), False),  # Wednesday 01:30: Tuesday is closed
    ],
)
def test_overnight_hours_run_into_the_next_day(button, berlin, at, expected):
    assert hours.is_open(with_hours(button, {"fri": ["22:00", "02:00"]}), at) is expected


def test_from_equal_to_is_open_around_the_clock(button, berlin):
    button = with_hours(button, {"mon": ["00:00", "00:00"]})
    assert hours.is_open(button, utc(2026, 3, 1, 23, 0)) is True  # Monday 00:00
    assert hours.is_open(button, utc(2026, 3, 2, 22, 59)) is True  # Monday 23:59
    assert hours.is_open(button, utc(2026, 3, 2, 23, 0)) is False  # Tuesday 00:00


def test_wall_clock_hours_hold_across_the_spring_daylight_saving_change(button, berlin):
    """Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on Sunday 29 March 2026."""
    button = with_hours(button, {"sun": ["09:00", "17:00"], "sat": ["22:00", "06:00"]})
    # A week before: 09:00 local is 08:00 UTC.
    assert hours.is_open(button, utc(2026, 3, 22, 7, 59)) is False
    assert hours.is_open(button, utc(2026, 3, 22, 8, 0)) is True
    # On the day of the change: 09:00 local is 07:00 UTC.
    assert hours.is_open(button, utc(2026, 3, 29, 6, 59)) is False
    assert hours.is_open(button, utc(2026, 3, 29, 7, 0)) is True
    assert hours.is_open(button, utc(2026, 3, 29, 14, 59)) is True  # 16:59 CEST
    assert hours.is_open(button, utc(2026, 3, 29, 15, 0)) is False  # 17:00 CEST
    # Saturday night's hours end at 06:00 local: 05:00 UTC a week before, 04:00 UTC across the change.
    assert hours.is_open(button, utc(2026, 3, 22, 4, 59)) is True
    assert hours.is_open(button, utc(2026, 3, 22, 5, 0)) is False
    assert hours.is_open(button, utc(2026, 3, 29, 3, 59)) is True
    assert hours.is_open(button, utc(2026, 3, 29, 4, 0)) is False


def test_wall_clock_hours_hold_across_the_autumn_daylight_saving_change(button, berlin):
    """Berlin moves from UTC+2 back to UTC+1 at 01:00 UTC on Sunday 25 October 2026: 02:00–03:00 happens twice."""
    button = with_hours(button, {"sun": ["02:00", "03:00"]})
    assert hours.is_open(button, utc(2026, 10, 24, 23, 59)) is False  # 01:59 CEST
    assert hours.is_open(button, utc(2026, 10, 25, 0, 0)) is True  # 02:00 CEST
    assert hours.is_open(button, utc(2026, 10, 25, 1, 30)) is True  # 02:30 CET, the second time round
    assert hours.is_open(button, utc(2026, 10, 25, 1, 59)) is True  # 02:59 CET
    assert hours.is_open(button, utc(2026, 10, 25, 2, 0)) is False  # 03:00 CET


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"mon": ["9:00", "17:00"]}, "Monday: write times as HH:MM, from 00:00 to 23:59."),
        ({"tue": ["09:00", "24:00"]}, "Tuesday: write times as HH:MM, from 00:00 to 23:59."),
        ({"wed": ["09:00"]}, "Wednesday needs a from and a to time."),
        ({"someday": ["09:00", "17:00"]}, "Unknown weekday: someday."),
        (["09:00", "17:00"], "Business hours are a weekly schedule of from / to times."),
    ],
)
def test_bad_schedules_are_refused_and_nothing_changes(button, schedule, message):
    with pytest.raises(DomainError) as caught:
        update_chat_button(button=button, hours_enabled=True, business_hours=schedule)
    assert caught.value.message == message
    button.refresh_from_db()
    assert (button.hours_enabled, button.business_hours) == (False, {})
    assert not AuditEntry.objects.filter(action="chat_button.changed").exists()


def test_changing_the_hours_is_audited(button):
    update_chat_button(
        button=button, hours_enabled=True, business_hours={"sun": ["10:00", "12:00"], "mon": ["08:00", "16:00"]}
    )
    button.refresh_from_db()
    assert button.business_hours == {"mon": ["08:00", "16:00"], "sun": ["10:00", "12:00"]}
    entry = AuditEntry.objects.get(action="chat_button.changed")
    assert sorted(entry.data) == ["business_hours", "hours_enabled"]


def _frame_config(client, button) -> dict:
    html = client.get(f"/widget/{button.key}/frame/").content.decode()
    match = re.search(r'<script id="helpline-widget-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_frame_shows_the_offline_form_outside_hours(client, button, berlin, agent, now):
    make_available(berlin, agent)
    with_hours(button, WEEKDAYS_9_TO_5)
    now.at = utc(2026, 3, 2, 8, 0)  # Monday 09:00 in Berlin
    config = _frame_config(client, button)
    assert (config["online"], config["closed"]) == (True, False)
    assert (
        config["texts"]["offlineIntro"] == "Nobody is available right now. Leave a message and we will answer by email."
    )
    now.at = utc(2026, 3, 2, 16, 0)  # Monday 17:00
    config = _frame_config(client, button)
    assert (config["online"], config["closed"]) == (False, True)
    assert config["offlineBehaviour"] == "form"
    assert config["texts"]["offlineIntro"] == "We are closed right now. Leave us a message and we will answer by email."


def test_outside_hours_a_chat_cannot_start_but_the_offline_form_works(client, button, berlin, agent, now):
    make_available(berlin, agent)
    with_hours(button, WEEKDAYS_9_TO_5)
    now.at = utc(2026, 3, 7, 12, 0)  # Saturday
    response = client.post(
        f"/widget/{button.key}/chats/",
        data=json.dumps({"visitor": VISITOR, "message": "Hi"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "We are closed right now. Leave us a message and we will answer by email.",
        "code": "closed",
    }
    assert not ChatSession.objects.exists()
    assert not Ticket.objects.filter(account=berlin).exists()
    response = client.post(
        f"/widget/{button.key}/offline/",
        data=json.dumps({"visitor": VISITOR, "email": "vera@example.com", "message": "Call me on Monday"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert list(Ticket.objects.filter(account=berlin).values_list("channel", "status")) == [("chat", "new")]


def test_within_hours_a_chat_starts(client, button, berlin, agent, now):
    make_available(berlin, agent)
    with_hours(button, WEEKDAYS_9_TO_5)
    now.at = utc(2026, 3, 2, 10, 0)  # Monday 11:00
    response = client.post(
        f"/widget/{button.key}/chats/",
        data=json.dumps({"visitor": VISITOR, "message": "Hi"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert list(ChatSession.objects.values_list("state", flat=True)) == ["waiting"]
