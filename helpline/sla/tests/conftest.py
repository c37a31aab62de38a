"""SLA test helpers: a controlled clock, levels and rules made through the real actions, events run for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.core.actors import Actor


class Clock:
    def __init__(self, start: datetime):
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def set(self, when: datetime) -> None:
        self.at = when

    def advance(self, **delta) -> None:
        self.at = self.at + timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """helpline.core.clock.now under the test's control (Monday 2 March 2026, 08:00 UTC to start)."""
    from helpline.core import clock as core_clock

    controlled = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    monkeypatch.setattr(core_clock, "now", controlled)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", controlled)
    return controlled


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a write and everything its events set off."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


@pytest.fixture
def make_calendar(db):
    from helpline.calendars.models import BusinessCalendar, Holiday

    def make(account, weekly=None, timezone="UTC", holidays=()):
        calendar = BusinessCalendar.objects.create(
            account=account,
            name="Office",
            timezone=timezone,
            weekly=weekly or {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        )
        for day in holidays:
            Holiday.objects.create(account=account, calendar=calendar, date=day, name="Holiday")
        return calendar

    return make


@pytest.fixture
def make_level(db):
    from helpline.sla.actions import create_level

    def make(account, name="Gold", targets=None, calendar=None, warning_kind="minutes", warning_value=0):
        return create_level(
            account=account,
            name=name,
            targets=targets or {"first_response": {"normal": 60}, "resolution": {"normal": 480}},
            calendar=calendar.public_id if calendar else None,
            warning_kind=warning_kind,
            warning_value=warning_value,
            actor=Actor(user=account.owner),
        )

    return make


@pytest.fixture
def make_sla_rule(db):
    from helpline.sla.actions import create_rule

    def make(account, level, conditions=None, name="Everyone"):
        return create_rule(
            account=account,
            name=name,
            level=level.public_id,
            conditions=conditions or {},
            actor=Actor(user=account.owner),
        )

    return make


@pytest.fixture
def api(client, api_key):
    from helpline.api.tests.conftest import ApiClient

    return ApiClient(client, api_key)


@pytest.fixture
def other_api(client, other_api_key):
    from helpline.api.tests.conftest import ApiClient

    return ApiClient(client, other_api_key)


@pytest.fixture
def owner_client(owner, account):
    from helpline.web.tests.conftest import signed_in

    return signed_in(owner, account)


@pytest.fixture
def other_owner_client(other_account):
    from helpline.web.tests.conftest import signed_in

    return signed_in(other_account.owner, other_account)


def state_of(ticket):
    from helpline.sla.models import SlaState

    return SlaState.objects.get(ticket_id=ticket.pk)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
