"""Automatic assignment over the API (a field of every department, PUT to change it, the account's default) and
on the departments settings page; other accounts see and change nothing; the department list stays flat."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.assignment.actions import set_assignment
from helpline.assignment.models import AssignmentSetting
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in

PAGE = "/agent/settings/departments/"


def test_departments_carry_their_assignment_and_put_changes_it(api, account, team):
    support, _agents = team
    item = next(d for d in api.get("/departments").json()["items"] if d["id"] == support.public_id)
    assert item["auto_assignment"] == {"mode": "inherit", "max_open_tickets": None}
    response = api.put(
        f"/departments/{support.public_id}/auto-assignment", {"mode": "least_loaded", "max_open_tickets": 7}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"mode": "least_loaded", "max_open_tickets": 7}
    assert api.get(f"/departments/{support.public_id}").json()["auto_assignment"] == {
        "mode": "least_loaded",
        "max_open_tickets": 7,
    }
    assert AuditEntry.objects.get(account=account, action="assignment.changed").actor_api_key is not None


def test_the_account_default(api, account):
    assert api.get("/auto-assignment").json() == {"mode": "off", "max_open_tickets": None}
    assert api.put("/auto-assignment", {"mode": "round_robin"}).json() == {
        "mode": "round_robin",
        "max_open_tickets": None,
    }
    assert api.get("/auto-assignment").json()["mode"] == "round_robin"
    assert_problem(api.put("/auto-assignment", {"mode": "inherit"}), 400)
    assert_problem(api.put("/auto-assignment", {"mode": "round_robin", "max_open_tickets": 0}), 400)


def test_another_account_cannot_read_or_change_it(other_api, api, account, team):
    support, _agents = team
    assert_problem(other_api.put(f"/departments/{support.public_id}/auto-assignment", {"mode": "round_robin"}), 404)
    assert not AssignmentSetting.objects.filter(account=account).exists()
    api.put("/auto-assignment", {"mode": "least_loaded"})
    assert other_api.get("/auto-assignment").json()["mode"] == "off"


def test_the_department_list_takes_a_fixed_number_of_queries(api, account):
    from helpline.tenancy.actions import create_department

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/departments").status_code == 200
        return len(queries)

    count()
    few = count()
    for n in range(5):
        department = create_department(account=account, name=f"Team {n}")
        set_assignment(account=account, department=department, mode="round_robin")
    assert count() == few


def test_the_settings_page_shows_and_saves_the_modes(owner, account, team):
    support, _agents = team
    client = signed_in(owner, account)
    page = client.get(PAGE).content.decode()
    assert f'action="{PAGE}{support.public_id}/assignment/"' in page
    assert f'action="{PAGE}defaults/assignment/"' in page
    response = client.post(f"{PAGE}{support.public_id}/assignment/", {"mode": "round_robin", "max_open": "4"})
    assert (response.status_code, response["Location"]) == (302, PAGE)
    row = AssignmentSetting.objects.get(account=account, department=support)
    assert (row.mode, row.max_open) == ("round_robin", 4)
    response = client.post(f"{PAGE}defaults/assignment/", {"mode": "least_loaded", "max_open": ""})
    assert response.status_code == 302
    assert AssignmentSetting.objects.get(account=account, department__isnull=True).mode == "least_loaded"
    response = client.post(f"{PAGE}{support.public_id}/assignment/", {"mode": "round_robin", "max_open": "many"})
    assert response.status_code == 422
    assert "The open tickets per agent must be between 1 and 10000." in response.content.decode()
    assert AssignmentSetting.objects.get(account=account, department=support).max_open == 4


@pytest.mark.parametrize("path", ["{id}/assignment/", "defaults/assignment/"])
def test_an_agent_may_not_change_it(agent, account, team, path):
    support, _agents = team
    client = signed_in(agent, account)
    assert client.post(PAGE + path.format(id=support.public_id), {"mode": "round_robin"}).status_code == 403
    assert not AssignmentSetting.objects.filter(account=account).exists()


def test_another_accounts_department_is_not_found(owner, account, other_account):
    from helpline.tenancy.actions import create_department

    theirs = create_department(account=other_account, name="Theirs")
    client = signed_in(owner, account)
    assert client.post(f"{PAGE}{theirs.public_id}/assignment/", {"mode": "round_robin"}).status_code == 404
    assert not AssignmentSetting.objects.exists()
