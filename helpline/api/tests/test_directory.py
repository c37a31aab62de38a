"""/departments, /agents, /tags."""

from __future__ import annotations

from helpline.api.tests.conftest import ApiClient, assert_problem
from helpline.conversations.models import Tag
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department, deactivate_member
from helpline.tenancy.models import Department, Membership
from helpline.tenancy.selectors import list_departments


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


INHERIT = {"mode": "inherit", "max_open_tickets": None}  # helpline.assignment: the account's default applies


def test_departments_list_by_name(api, account):
    support = Department.objects.get(account=account, name="Support")
    sales = create_department(account=account, name="Sales", description="Pre-sales questions")

    response = api.get("/departments")

    assert response.json() == {
        "items": [
            {"id": sales.public_id, "name": "Sales", "description": "Pre-sales questions",
             "created_at": _iso(sales.created_at), "auto_assignment": INHERIT},
            {"id": support.public_id, "name": "Support", "description": "", "created_at": _iso(support.created_at),
             "auto_assignment": INHERIT},
        ]
    }  # fmt: skip


def test_create_department(api, account):
    response = api.post("/departments", {"name": "Billing", "description": "Invoices"})

    assert response.status_code == 201
    department = Department.objects.get(account=account, name="Billing")
    assert response.json() == {
        "id": department.public_id, "name": "Billing", "description": "Invoices",
        "created_at": _iso(department.created_at), "auto_assignment": INHERIT,
    }  # fmt: skip
    assert AuditEntry.objects.get(subject_id=department.public_id).actor_api_key.account == account


def test_duplicate_department_is_409(api, account):
    problem = assert_problem(api.post("/departments", {"name": "Support"}), 409, "conflict")

    assert problem["detail"] == "A department with that name exists already."
    assert Department.objects.filter(account=account).count() == 1


def test_department_plan_limit_is_402(make_account, client):
    from helpline.security.actions import create_api_key

    free = make_account("tiny", plan="free")
    _key, raw = create_api_key(account=free, name="t")

    assert_problem(ApiClient(client, raw).post("/departments", {"name": "Sales"}), 402, "plan_limit")
    assert Department.objects.filter(account=free).count() == 1


def test_get_department_and_404(api, account):
    support = list_departments(account)[0]

    assert api.get(f"/departments/{support.public_id}").json()["name"] == "Support"
    assert_problem(api.get("/departments/0000000000000000"), 404, "not_found")


def test_agents(api, account, agent, make_agent):
    leaver = make_agent(account, "leaver@acme.test", "Zed Leaver")
    deactivate_member(membership=Membership.objects.get(account=account, user=leaver))
    owner = account.owner

    response = api.get("/agents")

    assert response.json() == {
        "items": [
            {"id": agent.public_id, "name": "Alice Agent", "email": "agent@acme.test", "role": "agent"},
            {"id": owner.public_id, "name": "owner", "email": "owner@acme.test", "role": "owner"},
        ]
    }
    assert api.get(f"/agents/{agent.public_id}").json() == response.json()["items"][0]
    assert_problem(api.get(f"/agents/{leaver.public_id}"), 404, "not_found")
    assert_problem(api.get("/agents/0000000000000000"), 404, "not_found")


def test_tags_list_and_pages(api, account):
    for name in ["urgent", "billing", "vip"]:
        Tag.objects.create(account=account, name=name)

    first = api.get("/tags", {"limit": 2}).json()
    second = api.get("/tags", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [(t["name"], t["colour"]) for t in first["items"]] == [("billing", "#64748b"), ("urgent", "#64748b")]
    assert [t["name"] for t in second["items"]] == ["vip"]
    assert second["next_cursor"] is None


def test_create_tag(api, account):
    response = api.post("/tags", {"name": "VIP", "colour": "#FF0000"})

    assert response.status_code == 201
    tag = Tag.objects.get(account=account)
    assert response.json() == {"id": tag.public_id, "name": "VIP", "colour": "#ff0000"}


def test_duplicate_tag_is_409_ignoring_case(api, account):
    Tag.objects.create(account=account, name="vip")

    problem = assert_problem(api.post("/tags", {"name": "VIP"}), 409, "conflict")

    assert problem["detail"] == "A tag named VIP exists already."
    assert Tag.objects.filter(account=account).count() == 1


def test_bad_tag_colour_is_400(api, account):
    problem = assert_problem(api.post("/tags", {"name": "x", "colour": "red"}), 400, "validation")

    assert problem["errors"][0]["field"] == "colour"
    assert Tag.objects.count() == 0
