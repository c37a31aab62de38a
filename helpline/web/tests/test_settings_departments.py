"""Settings → Departments: members with their role there, business hours (weekly hours, time zone, holidays), the
response time, the account's defaults and To solve order; department managers; bad input; other accounts."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.calendars.models import BusinessCalendar, Holiday
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import set_department_members
from helpline.tenancy.models import Account, Department, DepartmentMember
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/agent/settings/departments/"
OFFICE = {f"hours-{day}": "09:00-12:00, 13:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def support(account):
    return Department.objects.get(account=account, name="Support")


def hours_form(**changes) -> dict:
    return {"own_hours": "on", "timezone": "Europe/Berlin", "response_hours": "8", **OFFICE, **changes}


def test_save_a_departments_hours_and_response_time(owner_client, support):
    response = owner_client.post(f"{URL}{support.public_id}/hours/", hours_form(**{"hours-sat": "22:00-02:00"}))
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.response_minutes == 480
    assert (support.calendar.timezone, support.calendar.name) == ("Europe/Berlin", "Support")
    assert support.calendar.weekly == {
        **{day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [["22:00", "02:00"]],
    }
    assert AuditEntry.objects.filter(action="department.hours_set", subject_id=support.public_id).count() == 1
    page = owner_client.get(URL).content.decode()
    assert 'value="09:00-12:00, 13:00-17:00"' in page and 'value="22:00-02:00"' in page and 'value="8"' in page


def test_switching_own_hours_off_follows_the_defaults(owner_client, support):
    owner_client.post(f"{URL}{support.public_id}/hours/", hours_form(response_hours="1.5"))
    owner_client.post(f"{URL}{support.public_id}/hours/", {"response_hours": ""})
    support.refresh_from_db()
    assert (support.calendar_id, support.response_minutes) == (None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone Mars/Olympus; pick one such as Europe/Berlin."),
        ({"hours-mon": "9-17"}, "Monday: write times as HH:MM, from 00:00 to 23:59."),
        ({"hours-tue": "09:00"}, "Tuesday: write each interval as from-to, e.g. 09:00-17:00, separated by commas."),
        ({"response_hours": "soon"}, "Write the response time in hours, e.g. 8 or 1.5."),
        ({"response_hours": "-2"}, "Write the response time in hours, e.g. 8 or 1.5."),
        ({"response_hours": "9000"}, "The response time is a number of minutes from 1 to 527040."),
    ],
)
def test_bad_hours_are_refused_and_nothing_changes(owner_client, support, changes, message):
    response = owner_client.post(f"{URL}{support.public_id}/hours/", hours_form(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    support.refresh_from_db()
    assert (support.calendar_id, support.response_minutes) == (None, None)
    assert not BusinessCalendar.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["department.hours_set", "calendar.created"]).exists()


def test_holidays_are_added_and_removed(owner_client, support):
    owner_client.post(f"{URL}{support.public_id}/hours/", hours_form())
    support.refresh_from_db()
    url = f"{URL}{support.public_id}/holidays/"
    assert owner_client.post(url, {"date": "2026-12-25", "name": "Christmas", "recurring": "on"}).status_code == 302
    holiday = Holiday.objects.get(calendar=support.calendar)
    assert (holiday.date, holiday.name, holiday.recurring) == (date(2026, 12, 25), "Christmas", True)
    again = owner_client.post(url, {"date": "2026-12-25", "name": "Twice"})
    assert again.status_code == 422 and "2026-12-25 is a holiday already." in again.content.decode()
    bad = owner_client.post(url, {"date": "25.12.2026"})
    assert bad.status_code == 422 and "Enter the date as YYYY-MM-DD." in bad.content.decode()
    assert Holiday.objects.count() == 1
    assert owner_client.post(f"{url}{holiday.public_id}/delete/").status_code == 302
    assert not Holiday.objects.exists()


def test_a_holiday_needs_hours_of_its_own(owner_client, support):
    response = owner_client.post(f"{URL}{support.public_id}/holidays/", {"date": "2026-12-25"})
    assert response.status_code == 422
    assert "Save business hours of its own first; holidays belong to them." in response.content.decode()
    assert not Holiday.objects.exists()


def test_the_accounts_defaults_and_to_solve_order(owner_client, account):
    form = hours_form(response_hours="24", to_solve_mode="last_agent", timezone="America/New_York")
    assert owner_client.post(f"{URL}defaults/", form).status_code == 302
    account = Account.objects.get(pk=account.pk)
    assert (account.response_minutes, account.to_solve_mode, account.calendar.timezone) == (
        1440,
        "last_agent",
        "America/New_York",
    )
    assert owner_client.post(f"{URL}defaults/holidays/", {"date": "2026-07-04"}).status_code == 302
    assert list(Holiday.objects.values_list("calendar_id", flat=True)) == [account.calendar_id]
    bad = owner_client.post(f"{URL}defaults/", {**form, "to_solve_mode": "random"})
    assert bad.status_code == 422 and "Choose one of the listed orders for To solve." in bad.content.decode()
    assert Account.objects.get(pk=account.pk).to_solve_mode == "last_agent"


def test_members_and_department_managers(owner_client, support, agent, make_agent, account):
    bob = make_agent(account, "bob@acme.test", "Bob")
    url = f"{URL}{support.public_id}/members/"
    response = owner_client.post(url, {"members": [agent.public_id, bob.public_id], "managers": [bob.public_id]})
    assert response.status_code == 302
    roles = dict(DepartmentMember.objects.filter(department=support).values_list("user__email", "role"))
    assert roles == {"agent@acme.test": "agent", "bob@acme.test": "manager"}
    refused = owner_client.post(url, {"members": [agent.public_id], "managers": [bob.public_id]})
    assert refused.status_code == 422
    assert "A department manager is a member of the department." in refused.content.decode()
    assert dict(DepartmentMember.objects.filter(department=support).values_list("user__email", "role")) == roles


def test_a_department_manager_changes_only_their_department(support, agent, account):
    from helpline.tenancy.actions import create_department

    billing = create_department(account=account, name="Billing")
    set_department_members(department=support, users=[agent], managers=[agent])
    client = signed_in(agent, account)
    page = client.get(URL)
    assert page.status_code == 200
    assert [d.name for d in page.context["departments"]] == ["Support"]
    assert client.post(f"{URL}{support.public_id}/hours/", hours_form()).status_code == 302
    assert client.post(f"{URL}{billing.public_id}/hours/", hours_form()).status_code == 403
    assert client.post(f"{URL}{support.public_id}/", {"name": "Renamed"}).status_code == 403  # rename: admins
    assert client.post(f"{URL}defaults/", hours_form(to_solve_mode="queue")).status_code == 403
    billing.refresh_from_db()
    assert (billing.calendar_id, Department.objects.get(pk=support.pk).name) == (None, "Support")


def test_a_plain_agent_cannot_open_departments(agent_client, support):
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(f"{URL}{support.public_id}/hours/", hours_form()).status_code == 403
    support.refresh_from_db()
    assert support.calendar_id is None


def test_another_accounts_department_and_holidays_are_not_found(owner_client, other_account, make_account):
    theirs = Department.objects.get(account=other_account, name="Support")
    signed_in(other_account.owner, other_account).post(f"{URL}{theirs.public_id}/hours/", hours_form())
    theirs.refresh_from_db()
    holiday = Holiday.objects.create(account=other_account, calendar=theirs.calendar, date=date(2026, 1, 1))
    assert owner_client.post(f"{URL}{theirs.public_id}/hours/", hours_form(timezone="UTC")).status_code == 404
    assert owner_client.post(f"{URL}{theirs.public_id}/holidays/", {"date": "2026-05-01"}).status_code == 404
    assert owner_client.post(f"{URL}{theirs.public_id}/holidays/{holiday.public_id}/delete/").status_code == 404
    assert owner_client.post(f"{URL}defaults/holidays/{holiday.public_id}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.calendar.timezone, list(Holiday.objects.values_list("pk", flat=True))) == (
        "Europe/Berlin",
        [holiday.pk],
    )


def test_the_page_costs_the_same_queries_for_more_departments(
    owner_client, account, django_assert_max_num_queries, agent
):
    from helpline.tenancy.actions import create_department

    def add_department(name):
        department = create_department(account=account, name=name)
        set_department_members(department=department, users=[agent], managers=[agent])
        owner_client.post(f"{URL}{department.public_id}/hours/", hours_form())
        department.refresh_from_db()
        Holiday.objects.create(account=account, calendar=department.calendar, date=date(2026, 1, 1))

    owner_client.post(f"{URL}defaults/", hours_form(to_solve_mode="queue"))
    add_department("Team 0")
    with django_assert_max_num_queries(20) as few:
        owner_client.get(URL)
        baseline = len(few)
    for n in range(1, 5):
        add_department(f"Team {n}")
    with django_assert_max_num_queries(baseline):
        response = owner_client.get(URL)
    assert len(response.context["departments"]) == 6
