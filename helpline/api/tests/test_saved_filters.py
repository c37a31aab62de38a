"""/saved-filters: list, create, get, change, delete and count; personal vs shared; keys made by an agent or not;
the per-agent plan limit; another account's filters never show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import ApiClient, assert_problem
from helpline.core.actors import Actor
from helpline.filters.actions import save_filter
from helpline.filters.models import SavedFilter
from helpline.security.actions import create_api_key
from helpline.security.models import AuditEntry


@pytest.fixture
def agent_api(client, account, agent):
    """A key created by Alice: it acts for her."""
    _key, raw = create_api_key(account=account, name="alice's", actor=Actor(user=agent))
    return ApiClient(client, raw)


@pytest.fixture
def filters(account, owner, agent):
    return {
        "alice": save_filter(account=account, owner=agent, name="Mine", values={"status": "new"}),
        "team": save_filter(account=account, owner=owner, name="Team", values={"priority": "high"}, shared=True),
        "owner": save_filter(account=account, owner=owner, name="Owner's", values={"status": "open"}),
    }


def _names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_a_key_of_an_agent_lists_her_own_and_the_shared_filters(agent_api, filters, agent):
    body = agent_api.get("/saved-filters").json()

    assert [item["name"] for item in body["items"]] == ["Mine", "Team"]
    assert body["next_cursor"] is None
    assert body["items"][0] == {
        "id": filters["alice"].public_id,
        "name": "Mine",
        "shared": False,
        "owner": {"id": agent.public_id, "name": "Alice Agent", "email": "agent@acme.test"},
        "query": {"status": "new"},
        "created_at": body["items"][0]["created_at"],
        "updated_at": body["items"][0]["updated_at"],
    }
    assert _names(agent_api.get("/saved-filters", {"scope": "personal"})) == ["Mine"]
    assert _names(agent_api.get("/saved-filters", {"scope": "shared"})) == ["Team"]


def test_a_key_of_no_agent_sees_shared_filters_only(api, filters):
    assert _names(api.get("/saved-filters")) == ["Team"]
    assert _names(api.get("/saved-filters", {"scope": "personal"})) == []
    assert_problem(api.get(f"/saved-filters/{filters['alice'].public_id}"), 404, "not_found")


def test_the_list_pages_with_a_cursor(agent_api, account, agent):
    for n in range(5):
        save_filter(account=account, owner=agent, name=f"F{n}", values={"status": "new"})

    first = agent_api.get("/saved-filters", {"limit": 2}).json()
    second = agent_api.get("/saved-filters", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = agent_api.get("/saved-filters", {"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [[i["name"] for i in page["items"]] for page in (first, second, third)] == [
        ["F0", "F1"], ["F2", "F3"], ["F4"],
    ]  # fmt: skip
    assert third["next_cursor"] is None


def test_the_list_costs_the_same_queries_for_1_and_20_filters(agent_api, account, agent, make_agent):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert agent_api.get("/saved-filters").status_code == 200
        return len(queries)

    save_filter(account=account, owner=agent, name="F", values={"status": "new"})
    count()  # the key's first use stamps last_used_at
    few = count()
    for n in range(20):
        other = make_agent(account, f"a{n}@acme.test")
        save_filter(account=account, owner=other, name=f"S{n}", values={"status": "new"}, shared=True)
    assert count() == few
    assert few == 4  # the key, its creator's membership, the creator, the page (owners joined)


def test_create_a_personal_filter(agent_api, account, agent):
    response = agent_api.post("/saved-filters", {"name": " Urgent ", "query": {"priority": "urgent", "q": "fire"}})

    assert response.status_code == 201, response.content
    body = response.json()
    saved = SavedFilter.objects.get(public_id=body["id"])
    assert (saved.account_id, saved.owner_id, saved.name, saved.shared, saved.query) == (
        account.pk, agent.pk, "Urgent", False, {"priority": "urgent", "q": "fire"},
    )  # fmt: skip
    assert (body["name"], body["shared"], body["owner"]["id"]) == ("Urgent", False, agent.public_id)
    entry = AuditEntry.objects.get(account=account, action="ticket_filter.created")
    assert (entry.actor_user_id, entry.actor_api_key.name, entry.subject_id) == (None, "alice's", saved.public_id)
    again = agent_api.post("/saved-filters", {"name": "Urgent", "query": {"status": "open"}})
    assert assert_problem(again, 409, "conflict")["detail"] == "You have a filter named Urgent already."
    assert SavedFilter.objects.count() == 1


def test_a_key_of_no_agent_creates_shared_filters_for_a_named_owner(api, account, agent):
    refused = api.post("/saved-filters", {"name": "Mine", "query": {"status": "new"}})
    body = assert_problem(refused, 403, "forbidden")
    assert "Personal filters need a key created by an agent" in body["detail"]

    unnamed = api.post("/saved-filters", {"name": "Team", "query": {"status": "new"}, "shared": True})
    body = assert_problem(unnamed, 400)
    assert body["errors"][0]["field"] == "owner"
    assert not SavedFilter.objects.exists()

    created = api.post(
        "/saved-filters", {"name": "Team", "query": {"status": "new"}, "shared": True, "owner": agent.public_id}
    )
    assert created.status_code == 201, created.content
    assert SavedFilter.objects.get().owner_id == agent.pk


def test_nobody_else_gets_a_personal_filter(agent_api, owner):
    response = agent_api.post("/saved-filters", {"name": "Yours", "query": {"status": "new"}, "owner": owner.public_id})

    assert_problem(response, 403, "forbidden")
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "", "query": {"status": "new"}}, "name", "Must not be blank."),
        ({"name": "x" * 101, "query": {"status": "new"}}, "name", "Use at most 100 characters."),
        ({"name": "Empty", "query": {"status": ""}}, "query", "Choose at least one filter before saving it."),
        ({"name": "Bad", "query": {"status": "lost"}}, "query.status", "Unknown status lost."),
        ({"name": "Bad", "query": {"colour": "red"}}, "query.colour",
         "Unknown filter colour: use the parameters of GET /tickets or cf.<field key>."),
        ({"name": "Gone", "query": {"department": "zzzz"}}, "query.department",
         "There is no such department in this account."),
        ({"name": "Cf", "query": {"cf.plan": "Gold"}}, "query.cf.plan", "There is no ticket field with the key plan."),
        ({"name": "Day", "query": {"created_from": "yesterday"}}, "query.created_from",
         "Enter the date as YYYY-MM-DD."),
        ({"query": {"status": "new"}}, "name", "This field is required."),
        ({"name": "X", "query": {"status": "new"}, "colour": 1}, "colour", "Unknown field."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(agent_api, body, field, message):
    response = agent_api.post("/saved-filters", body)

    problem = assert_problem(response, 400)
    assert problem["errors"][0]["field"] == field
    assert problem["errors"][0]["message"] == message
    assert not SavedFilter.objects.exists()
    assert not AuditEntry.objects.filter(action="ticket_filter.created").exists()


def test_the_plan_limit_is_a_402(client, make_account, make_agent):
    account = make_account("small", plan="small")  # one filter per agent
    agent = make_agent(account, "bo@small.test")
    _key, raw = create_api_key(account=account, name="bo's", actor=Actor(user=agent))
    api = ApiClient(client, raw)

    assert api.post("/saved-filters", {"name": "One", "query": {"status": "new"}}).status_code == 201
    body = assert_problem(api.post("/saved-filters", {"name": "Two", "query": {"status": "open"}}), 402)
    assert body["code"] == "plan_limit"
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["One"]


def test_update_and_delete(agent_api, filters, account):
    mine = filters["alice"]
    response = agent_api.patch(f"/saved-filters/{mine.public_id}", {"name": "Renamed", "query": {"status": "open"}})

    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert (mine.name, mine.query, mine.shared) == ("Renamed", {"status": "open"}, False)
    entry = AuditEntry.objects.get(account=account, action="ticket_filter.updated")
    assert entry.data == {"name": ["Mine", "Renamed"], "query": [{"status": "new"}, {"status": "open"}]}

    bad = agent_api.patch(f"/saved-filters/{mine.public_id}", {"query": {"priority": "meh"}})
    assert assert_problem(bad, 400)["errors"][0]["field"] == "query.priority"
    mine.refresh_from_db()
    assert mine.query == {"status": "open"}

    assert agent_api.delete(f"/saved-filters/{mine.public_id}").status_code == 204
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()
    assert AuditEntry.objects.filter(
        account=account, action="ticket_filter.deleted", subject_id=mine.public_id
    ).exists()


def test_keys_manage_shared_filters_but_not_others_personal_ones(api, agent_api, filters):
    team, owners = filters["team"], filters["owner"]

    assert api.patch(f"/saved-filters/{team.public_id}", {"name": "Team (all)"}).status_code == 200
    assert_problem(agent_api.patch(f"/saved-filters/{team.public_id}", {"shared": False}), 403, "forbidden")
    assert_problem(agent_api.patch(f"/saved-filters/{owners.public_id}", {"name": "Taken"}), 404)
    assert_problem(agent_api.delete(f"/saved-filters/{owners.public_id}"), 404)
    team.refresh_from_db()
    owners.refresh_from_db()
    assert (team.name, team.shared, owners.name) == ("Team (all)", True, "Owner's")
    assert api.delete(f"/saved-filters/{team.public_id}").status_code == 204
    assert not SavedFilter.objects.filter(pk=team.pk).exists()


def test_count_is_live_and_bounded(agent_api, filters, account, make_ticket):
    make_ticket(account, subject="One")
    make_ticket(account, subject="Two", email="b@example.com")

    response = agent_api.get(f"/saved-filters/{filters['alice'].public_id}/count")

    assert response.json() == {"count": 2, "capped": False, "broken": False}
    assert agent_api.get(f"/saved-filters/{filters['team'].public_id}/count").json() == {
        "count": 0, "capped": False, "broken": False,
    }  # fmt: skip


def test_a_filter_naming_something_deleted_counts_as_broken(agent_api, account, agent):
    from helpline.conversations.actions import create_custom_field, delete_custom_field

    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    saved = save_filter(account=account, owner=agent, name="Gold", values={"cf.plan": "Gold"})
    delete_custom_field(field=field)

    assert agent_api.get(f"/saved-filters/{saved.public_id}/count").json() == {
        "count": 0, "capped": False, "broken": True,
    }  # fmt: skip


def test_another_accounts_filters_are_never_seen(other_api, filters, other_account):
    theirs = save_filter(
        account=other_account, owner=other_account.owner, name="Globex", values={"status": "new"}, shared=True
    )

    assert _names(other_api.get("/saved-filters")) == ["Globex"]
    for saved in filters.values():
        path = f"/saved-filters/{saved.public_id}"
        assert_problem(other_api.get(path), 404, "not_found")
        assert_problem(other_api.get(f"{path}/count"), 404, "not_found")
        assert_problem(other_api.patch(path, {"name": "Mine now"}), 404, "not_found")
        assert_problem(other_api.delete(path), 404, "not_found")
    assert SavedFilter.objects.filter(name__in=["Mine", "Team", "Owner's"]).count() == 3
    assert theirs.name == "Globex"


def test_another_accounts_ids_in_a_filter_are_refused(agent_api, other_account):
    from helpline.tenancy.selectors import list_departments

    theirs = list_departments(other_account)[0]

    response = agent_api.post("/saved-filters", {"name": "X", "query": {"department": theirs.public_id}})

    assert assert_problem(response, 400)["errors"][0]["field"] == "query.department"
    assert not SavedFilter.objects.exists()
