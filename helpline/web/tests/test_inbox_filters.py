"""The inbox's new filters and saved filters: the filter bar, the sidebar's counts, saving and deleting."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.actions import change_status, create_custom_field, set_ticket_fields
from helpline.conversations.models import Ticket
from helpline.filters.actions import save_filter
from helpline.filters.models import SavedFilter
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import htmx_target, signed_in


def _codes(response) -> list[str]:
    return sorted(t.subject for t in response.context["tickets"])


def test_filter_by_custom_field_and_sla(owner_client, account, make_ticket):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="dropdown",
                        choices=["Gold", "Silver"])  # fmt: skip
    gold = make_ticket(account, subject="Gold one", email="g@example.com")
    make_ticket(account, subject="Plain one", email="p@example.com")
    set_ticket_fields(ticket=gold, values={"plan": "Gold"})
    response = owner_client.get("/agent/", {"cf.plan": "Gold"})
    assert response.status_code == 200
    assert _codes(response) == ["Gold one"]
    page = response.content.decode()
    assert 'data-field-filter="cf.plan"' in page
    assert '<option value="Gold" selected>Gold</option>' in page
    Ticket.objects.filter(pk=gold.pk).update(sla_due_at=None)  # answered: nothing owed
    assert _codes(owner_client.get("/agent/", {"sla": "none"})) == ["Gold one"]
    assert _codes(owner_client.get("/agent/", {"sla": "overdue"})) == []
    # the status links keep the field filter
    urls = [row["url"] for row in response.context["counts"]]
    assert urls[1] == "/agent/?status=new&cf.plan=Gold"


def test_a_bad_filter_is_a_400_with_the_reason(owner_client, account, ticket):
    for params, message in [
        ({"cf.nope": "x"}, "There is no ticket field with the key nope."),
        ({"created_from": "yesterday"}, "Enter the date as YYYY-MM-DD."),
        ({"sla": "soonish"}, "The SLA state is overdue, due_soon or none."),
    ]:
        response = owner_client.get("/agent/", params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_save_the_current_filter_and_see_its_count(owner_client, account, owner, make_ticket):
    for n in range(3):
        make_ticket(account, subject=f"T{n}", email=f"c{n}@example.com")
    response = owner_client.post("/agent/filters/", {"name": "New ones", "status": "new", "shared": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/agent/?status=new"
    saved = SavedFilter.objects.get(account=account)
    assert (saved.name, saved.owner_id, saved.shared, saved.query) == ("New ones", owner.pk, True, {"status": "new"})
    page = owner_client.get("/agent/")
    [row] = page.context["saved_filters"]
    assert (row.saved.name, row.count, row.capped) == ("New ones", 3, False)
    assert f'data-saved-filter="{saved.public_id}"' in page.content.decode()
    # the list partial refreshes the counts too (out of band)
    cache.clear()
    change_status(ticket=_first_ticket(account), status="open")
    partial = owner_client.get("/agent/", **htmx_target("ticket-list"))
    assert 'id="saved-filters" class="sidebar__section" hx-swap-oob="true"' in partial.content.decode()
    assert [r.count for r in partial.context["saved_filters"]] == [2]


def _first_ticket(account):
    return Ticket.objects.filter(account=account).order_by("id").first()


def test_a_refused_save_shows_the_reason_and_saves_nothing(make_account):
    small = make_account("small", plan="small")
    client = signed_in(small.owner, small)
    assert client.post("/agent/filters/", {"name": "One", "status": "open"}).status_code == 302
    for data, message in [
        ({"name": "Two", "status": "new"}, "Your Small plan allows 1 ticket filters per agent"),
        ({"name": "", "status": "new"}, "A filter needs a name."),
        ({"name": "Three"}, "Choose at least one filter before saving it."),
    ]:
        response = client.post("/agent/filters/", data)
        assert response.status_code == 422
        assert message in response.content.decode()
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["One"]


def test_shared_filters_show_to_everyone_personal_ones_to_their_owner(account, owner, agent):
    save_filter(account=account, owner=owner, name="Team view", values={"status": "open"}, shared=True)
    save_filter(account=account, owner=owner, name="My view", values={"status": "new"})
    names = [r.saved.name for r in signed_in(agent, account).get("/agent/").context["saved_filters"]]
    assert names == ["Team view"]


def test_delete_ones_own_filter_only(account, owner, agent, agent_client):
    shared = save_filter(account=account, owner=owner, name="Team view", values={"status": "open"}, shared=True)
    own = save_filter(account=account, owner=agent, name="Mine", values={"status": "new"})
    assert agent_client.post(f"/agent/filters/{shared.public_id}/delete/").status_code == 404
    assert agent_client.post(f"/agent/filters/{own.public_id}/delete/").status_code == 302
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Team view"]
    assert AuditEntry.objects.filter(action="ticket_filter.deleted", actor_user_id=agent.pk).count() == 1


def test_another_accounts_filter_is_not_found(account, other_account):
    theirs = save_filter(account=other_account, owner=other_account.owner, name="Theirs", values={"status": "open"},
                         shared=True)  # fmt: skip
    client = signed_in(account.owner, account)
    assert client.post(f"/agent/filters/{theirs.public_id}/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    assert client.get("/agent/").context["saved_filters"] == []


def test_saved_filter_counts_cost_one_query_however_many_filters(owner_client, account, owner, make_ticket):
    make_ticket(account)

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get("/agent/", **htmx_target("ticket-list")).status_code == 200
        return len(queries)

    save_filter(account=account, owner=owner, name="F1", values={"status": "open"})
    one = measure()
    for n in range(2, 6):
        save_filter(account=account, owner=owner, name=f"F{n}", values={"priority": "high", "sla": "none"})
    assert measure() == one


def test_filters_combined_cost_a_fixed_number_of_queries(owner_client, account, owner, make_ticket):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    params = {"status": "new", "priority": "normal", "cf.plan": "gold", "created_from": "2020-01-01"}

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get("/agent/", params, **htmx_target("ticket-list"))
        assert response.status_code == 200
        return len(queries), len(response.context["tickets"])

    for n in range(3):
        set_ticket_fields(ticket=make_ticket(account, subject=f"T{n}", email=f"c{n}@x.test"), values={"plan": "Gold"})
    small = measure()
    for n in range(3, 20):
        set_ticket_fields(ticket=make_ticket(account, subject=f"T{n}", email=f"c{n}@x.test"), values={"plan": "Gold"})
    large = measure()
    assert (small[1], large[1]) == (3, 20)
    assert small[0] == large[0]
