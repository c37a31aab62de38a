"""/departments/{id}/hours and /holidays: read and set a department's business hours, response time and holidays;
bad input is a 400 problem that changes nothing; another account's department is a 404."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import ApiClient
from helpline.calendars.models import BusinessCalendar, Holiday
from helpline.security.models import AuditEntry
from helpline.tenancy.models import Department

pytestmark = pytest.mark.django_db

OFFICE = {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "fri": [["22:00", "02:00"]]}


@pytest.fixture
def support(account):
    return Department.objects.get(account=account, name="Support")


def test_a_department_without_hours_follows_the_account(api, support):
    response = api.get(f"/departments/{support.public_id}/hours")
    assert response.status_code == 200
    assert response.json() == {
        "own_hours": False,
        "timezone": None,
        "weekly": {},
        "holidays": [],
        "response_minutes": None,
    }


def test_set_hours_then_holidays(api, support):
    body = {"own_hours": True, "timezone": "Europe/Berlin", "weekly": OFFICE, "response_minutes": 240}
    response = api.put(f"/departments/{support.public_id}/hours", body)
    assert response.status_code == 200, response.content
    assert response.json() == {**body, "holidays": []}
    created = api.post(f"/departments/{support.public_id}/holidays", {"date": "2026-12-25", "name": "Christmas"})
    assert created.status_code == 201
    holiday = Holiday.objects.get()
    assert created.json() == {"id": holiday.public_id, "date": "2026-12-25", "name": "Christmas", "recurring": False}
    again = api.post(f"/departments/{support.public_id}/holidays", {"date": "2026-12-25"})
    assert (again.status_code, again.json()["detail"]) == (409, "2026-12-25 is a holiday already.")
    assert api.get(f"/departments/{support.public_id}/hours").json()["holidays"] == [created.json()]
    deleted = api.delete(f"/departments/{support.public_id}/holidays/{holiday.public_id}")
    assert deleted.status_code == 204
    assert not Holiday.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.holiday_removed").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"own_hours": True, "timezone": "Nowhere/Else"}, 400,
         "Unknown time zone Nowhere/Else; pick one such as Europe/Berlin."),
        ({"own_hours": True, "timezone": "UTC", "weekly": {"someday": [["09:00", "17:00"]]}}, 400,
         "Unknown weekday: someday."),
        ({"own_hours": True, "timezone": "UTC", "weekly": {"mon": [["9:00", "17:00"]]}}, 400, None),
        ({"own_hours": True, "timezone": "UTC", "response_minutes": 0}, 400, None),
        ({"own_hours": True, "timezone": "UTC", "colour": "blue"}, 400, None),
    ],
)  # fmt: skip
def test_bad_hours_are_a_problem_and_change_nothing(api, support, body, status, detail):
    response = api.put(f"/departments/{support.public_id}/hours", body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if detail:
        assert response.json()["detail"] == detail
    support.refresh_from_db()
    assert (support.calendar_id, support.response_minutes) == (None, None)
    assert not BusinessCalendar.objects.exists()


def test_a_holiday_needs_hours_first(api, support):
    response = api.post(f"/departments/{support.public_id}/holidays", {"date": "2026-12-25"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The department has no business hours of its own; set them first."
    assert not Holiday.objects.exists()


def test_another_accounts_department_is_not_found_and_unchanged(client, other_api_key, support):
    other = ApiClient(client, other_api_key)
    body = {"own_hours": True, "timezone": "UTC", "weekly": OFFICE}
    assert other.get(f"/departments/{support.public_id}/hours").status_code == 404
    assert other.put(f"/departments/{support.public_id}/hours", body).status_code == 404
    assert other.post(f"/departments/{support.public_id}/holidays", {"date": "2026-12-25"}).status_code == 404
    support.refresh_from_db()
    assert support.calendar_id is None
    assert not Holiday.objects.exists()
