"""Departments, brands and API keys."""

from __future__ import annotations

import pytest

from helpline.security.actions import authenticate_api_key
from helpline.security.models import ApiKey, AuditEntry
from helpline.tenancy.models import Brand, Department, DepartmentMember
from helpline.web.tests.conftest import signed_in


def test_create_and_rename_a_department(owner_client, account, owner):
    response = owner_client.post("/agent/settings/departments/new/", {"name": "Billing", "description": "Money"})
    assert response.status_code == 302
    billing = Department.objects.get(account=account, name="Billing")
    assert billing.description == "Money"
    owner_client.post(f"/agent/settings/departments/{billing.public_id}/", {"name": "Finance", "description": ""})
    billing.refresh_from_db()
    assert (billing.name, billing.description) == ("Finance", "")
    actions = list(AuditEntry.objects.filter(subject_id=billing.public_id).values_list("action", "actor_user_id"))
    assert actions == [("department.created", owner.pk), ("department.updated", owner.pk)]


def test_duplicate_or_empty_department_names_are_refused(owner_client, account):
    for name, message in [
        ("Support", "A department with that name exists already."),
        ("  ", "A department needs a name."),
    ]:
        response = owner_client.post("/agent/settings/departments/new/", {"name": name})
        assert response.status_code == 422
        assert message in response.content.decode()
    assert list(Department.objects.filter(account=account).values_list("name", flat=True)) == ["Support"]


def test_renaming_to_a_taken_name_changes_nothing(owner_client, account):
    owner_client.post("/agent/settings/departments/new/", {"name": "Billing"})
    billing = Department.objects.get(account=account, name="Billing")
    response = owner_client.post(f"/agent/settings/departments/{billing.public_id}/", {"name": "Support"})
    assert response.status_code == 422
    assert "A department with that name exists already." in response.content.decode()
    assert Department.objects.get(pk=billing.pk).name == "Billing"


def test_the_plans_department_limit_is_explained(make_account):
    free = make_account("tiny", plan="free")
    response = signed_in(free.owner, free).post("/agent/settings/departments/new/", {"name": "Sales"})
    assert response.status_code == 422
    assert "Your Free plan allows 1 departments; you have 1. Upgrade to add more." in response.content.decode()
    assert Department.objects.filter(account=free).count() == 1


def test_department_members_are_set_from_the_checkboxes(owner_client, account, owner, agent):
    support = Department.objects.get(account=account)
    url = f"/agent/settings/departments/{support.public_id}/members/"
    owner_client.post(url, {"members": [owner.public_id, agent.public_id]})
    assert set(DepartmentMember.objects.filter(department=support).values_list("user_id", flat=True)) == {
        owner.pk,
        agent.pk,
    }
    owner_client.post(url, {"members": [agent.public_id]})
    assert list(DepartmentMember.objects.filter(department=support).values_list("user_id", flat=True)) == [agent.pk]


def test_only_agents_of_the_account_join_its_departments(owner_client, account, agent, other_account):
    support = Department.objects.get(account=account)
    url = f"/agent/settings/departments/{support.public_id}/members/"
    response = owner_client.post(url, {"members": [agent.public_id, other_account.owner.public_id]})
    assert response.status_code == 422
    assert "Only agents of this account can join its departments." in response.content.decode()
    assert DepartmentMember.objects.count() == 0


def test_a_department_of_another_account_is_not_found(owner_client, other_account):
    theirs = Department.objects.get(account=other_account)
    assert owner_client.post(f"/agent/settings/departments/{theirs.public_id}/", {"name": "Mine"}).status_code == 404
    assert Department.objects.get(pk=theirs.pk).name == "Support"


def test_create_a_brand_and_make_it_the_default(owner_client, account):
    data = {"name": "Acme Kids", "domain": "Kids.Acme.test", "primary_colour": "#ff0000", "accent_colour": "#00ff00"}
    assert owner_client.post("/agent/settings/brands/new/", {**data, "make_default": "on"}).status_code == 302
    kids = Brand.objects.get(account=account, name="Acme Kids")
    assert (kids.domain, kids.primary_colour, kids.accent_colour, kids.is_default) == (
        "kids.acme.test", "#ff0000", "#00ff00", True,
    )  # fmt: skip
    assert list(Brand.objects.filter(account=account, is_default=True)) == [kids]


def test_update_a_brand(owner_client, account):
    brand = Brand.objects.get(account=account)
    data = {"name": "Acme Inc", "domain": "", "primary_colour": "#123456", "accent_colour": "#654321"}
    assert owner_client.post(f"/agent/settings/brands/{brand.public_id}/", data).status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.primary_colour, brand.is_default) == ("Acme Inc", "#123456", True)


def test_a_bad_brand_colour_is_refused(owner_client, account):
    brand = Brand.objects.get(account=account)
    data = {"name": "Acme", "domain": "", "primary_colour": "red", "accent_colour": "#654321"}
    response = owner_client.post(f"/agent/settings/brands/{brand.public_id}/", data)
    assert response.status_code == 422
    assert "Colours are written like #2563eb." in response.content.decode()
    brand.refresh_from_db()
    assert (brand.name, brand.primary_colour) == ("Acme", "#2563eb")


def test_an_api_key_is_shown_once_and_works(owner_client, account, owner):
    response = owner_client.post("/agent/settings/api-keys/new/", {"name": "CRM sync"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_key"]
    key = ApiKey.objects.get(account=account)
    assert raw.startswith(f"hl_{key.prefix}_")
    assert f'value="{raw}"' in response.content.decode()
    assert authenticate_api_key(raw) == key
    assert (key.name, key.created_by_id) == ("CRM sync", owner.pk)
    listing = owner_client.get("/agent/settings/api-keys/").content.decode()
    assert raw not in listing
    assert raw[len(f"hl_{key.prefix}_") :] not in listing
    assert f"<code>hl_{key.prefix}_…</code>" in listing


def test_a_key_without_a_name_is_refused(owner_client):
    response = owner_client.post("/agent/settings/api-keys/new/", {"name": " "})
    assert response.status_code == 422
    assert "Give the key a name, for example the integration that uses it." in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_the_plans_api_key_limit_is_explained(make_account):
    free = make_account("tiny", plan="free")
    client = signed_in(free.owner, free)
    assert client.post("/agent/settings/api-keys/new/", {"name": "one"}).status_code == 200
    response = client.post("/agent/settings/api-keys/new/", {"name": "two"})
    assert response.status_code == 422
    assert "Your Free plan allows 1 api keys; you have 1. Upgrade to add more." in response.content.decode()
    assert list(ApiKey.objects.values_list("name", flat=True)) == ["one"]


def test_revoking_a_key_stops_it(owner_client, account, api_key):
    key = ApiKey.objects.get(account=account)
    response = owner_client.post(f"/agent/settings/api-keys/{key.public_id}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert authenticate_api_key(api_key) is None
    assert AuditEntry.objects.filter(action="api_key.revoked", subject_id=key.public_id).count() == 1


def test_a_key_of_another_account_cannot_be_revoked(owner_client, other_account, other_api_key):
    theirs = ApiKey.objects.get(account=other_account)
    assert owner_client.post(f"/agent/settings/api-keys/{theirs.public_id}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("url", ["/agent/settings/api-keys/new/", "/agent/settings/departments/new/"])
def test_settings_writes_need_the_csrf_token(account, owner, url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(url, {"name": "x"}).status_code == 403
    assert ApiKey.objects.count() == 0
    assert Department.objects.filter(name="x").count() == 0
