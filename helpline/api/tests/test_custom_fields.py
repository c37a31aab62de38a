"""/custom-fields, custom field values on tickets and contacts, and the ticket list's new filters."""

from __future__ import annotations

import json

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.actions import create_custom_field, set_ticket_fields
from helpline.conversations.custom_fields import values_by_key
from helpline.conversations.models import CustomField
from helpline.security.models import AuditEntry


def _delete(client, path, key):
    return client.delete(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_create_list_get_update_delete(api, account, client, api_key):
    response = api.post("/custom-fields", {"applies_to": "ticket", "key": "plan", "label": "Plan",
                                           "kind": "dropdown", "choices": ["Gold", "Silver"]})  # fmt: skip
    assert response.status_code == 201
    field = CustomField.objects.get(account=account)
    expected = {"id": field.public_id, "key": "plan", "label": "Plan", "kind": "dropdown", "applies_to": "ticket",
                "choices": ["Gold", "Silver"], "position": 1}  # fmt: skip
    assert response.json() == expected
    api.post("/custom-fields", {"applies_to": "contact", "key": "tier", "label": "Tier", "kind": "text"})
    assert [f["key"] for f in api.get("/custom-fields").json()["items"]] == ["plan", "tier"]
    assert api.get("/custom-fields", {"applies_to": "contact"}).json()["items"][0]["key"] == "tier"
    page = api.get("/custom-fields", {"limit": 1}).json()
    assert [f["key"] for f in page["items"]] == ["plan"]
    assert [f["key"] for f in api.get("/custom-fields", {"cursor": page["next_cursor"]}).json()["items"]] == ["tier"]
    assert api.get(f"/custom-fields/{field.public_id}").json() == expected
    response = api.patch(f"/custom-fields/{field.public_id}", {"label": "Support plan", "choices": ["Gold"]})
    assert response.status_code == 200
    assert (response.json()["label"], response.json()["choices"]) == ("Support plan", ["Gold"])
    assert _delete(client, f"/custom-fields/{field.public_id}", api_key).status_code == 204
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == ["tier"]
    assert list(AuditEntry.objects.filter(subject_id=field.public_id).values_list("action", flat=True)) == [
        "custom_field.created", "custom_field.updated", "custom_field.deleted",
    ]  # fmt: skip


def test_bad_definitions_are_400_or_409_and_create_nothing(api, account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    for body, status in [
        ({"applies_to": "ticket", "key": "plan", "label": "Again", "kind": "text"}, 409),
        ({"applies_to": "ticket", "key": "Bad Key", "label": "X", "kind": "text"}, 400),
        ({"applies_to": "ticket", "key": "x", "label": "X", "kind": "colour"}, 400),
        ({"applies_to": "ticket", "key": "x", "label": "X", "kind": "dropdown", "choices": []}, 400),
        ({"applies_to": "company", "key": "x", "label": "X", "kind": "text"}, 400),
        ({"applies_to": "ticket", "key": "x", "label": "X", "kind": "text", "extra": 1}, 400),
    ]:
        assert_problem(api.post("/custom-fields", body), status)
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == ["plan"]


def test_ticket_values_are_read_and_written_through_the_ticket(api, account, ticket):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    create_custom_field(account=account, applies_to="ticket", key="vip", label="VIP", kind="checkbox")
    response = api.patch(f"/tickets/{ticket.public_id}", {"custom_fields": {"plan": "Gold", "seats": 5, "vip": True}})
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"plan": "Gold", "seats": 5, "vip": True}
    response = api.patch(f"/tickets/{ticket.public_id}", {"custom_fields": {"plan": None}})
    assert response.json()["custom_fields"] == {"seats": 5, "vip": True}
    assert api.get("/tickets").json()["items"][0]["custom_fields"] == {"seats": 5, "vip": True}


def test_a_bad_ticket_value_is_a_400_naming_the_field_and_changes_nothing(api, account, ticket):
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    set_ticket_fields(ticket=ticket, values={"seats": 2})
    for values, field in [({"seats": "lots"}, "custom_fields.seats"), ({"nope": 1}, "custom_fields.nope")]:
        body = assert_problem(api.patch(f"/tickets/{ticket.public_id}", {"status": "open", "custom_fields": values}),
                              400)  # fmt: skip
        assert body["errors"][0]["field"] == field
    ticket.refresh_from_db()
    assert (ticket.status, values_by_key(ticket=ticket)) == ("new", {"seats": 2})


def test_create_a_ticket_with_values(api, account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    response = api.post("/tickets", {"subject": "Hi", "contact": {"email": "x@example.com"},
                                     "message": {"body": "Hello"}, "custom_fields": {"plan": "Gold"}})  # fmt: skip
    assert response.status_code == 201
    assert response.json()["custom_fields"] == {"plan": "Gold"}


def test_contact_values(api, account, ticket):
    create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="text")
    response = api.patch(f"/contacts/{ticket.contact.public_id}", {"custom_fields": {"tier": "VIP"}})
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"tier": "VIP"}
    assert api.get("/contacts").json()["items"][0]["custom_fields"] == {"tier": "VIP"}
    body = assert_problem(api.patch(f"/contacts/{ticket.contact.public_id}", {"custom_fields": {"plan": "x"}}), 400)
    assert body["errors"][0]["field"] == "custom_fields.plan"
    assert values_by_key(contact=ticket.contact) == {"tier": "VIP"}


def test_the_list_filters_by_custom_field_and_the_new_parameters(api, account, make_ticket):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    gold = make_ticket(account, subject="Gold", email="g@example.com")
    make_ticket(account, subject="Plain", email="p@example.com")
    set_ticket_fields(ticket=gold, values={"plan": "Gold"})
    assert [t["subject"] for t in api.get("/tickets", {"cf.plan": "gol"}).json()["items"]] == ["Gold"]
    assert [t["subject"] for t in api.get("/tickets", {"contact": gold.contact.public_id}).json()["items"]] == ["Gold"]
    assert len(api.get("/tickets", {"created_from": "2000-01-01", "sla": "overdue"}).json()["items"]) == 0
    for params, field in [
        ({"cf.nope": "x"}, "cf.nope"),
        ({"assignee": "me"}, "assignee"),
        ({"brand": "zzzz"}, "brand"),
        ({"created_from": "2026-02-30"}, "created_from"),
        ({"sla": "later"}, "sla"),
    ]:
        body = assert_problem(api.get("/tickets", params), 400)
        assert body["errors"][0]["field"] == field


def test_another_accounts_fields_are_not_found(api, other_api, account, other_account, client, other_api_key, ticket):
    theirs = create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    mine = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    assert_problem(api.get(f"/custom-fields/{theirs.public_id}"), 404)
    assert_problem(api.patch(f"/custom-fields/{theirs.public_id}", {"label": "Mine"}), 404)
    assert_problem(_delete(client, f"/custom-fields/{theirs.public_id}", api.key), 404)
    assert [f["id"] for f in api.get("/custom-fields").json()["items"]] == [mine.public_id]
    assert_problem(other_api.patch(f"/tickets/{ticket.public_id}", {"custom_fields": {"plan": "x"}}), 404)
    assert CustomField.objects.get(pk=theirs.pk).label == "Plan"
    assert values_by_key(ticket=ticket) == {}
    assert json.loads(other_api.get("/tickets", {"cf.plan": "x"}).content)["items"] == []


def test_field_list_queries_are_fixed(api, account):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        api.get("/custom-fields")
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/custom-fields").status_code == 200
        return len(queries)

    create_custom_field(account=account, applies_to="ticket", key="a", label="A", kind="text")
    one = measure()
    for n in range(10):
        create_custom_field(account=account, applies_to="contact", key=f"c{n}", label="C", kind="text")
    assert measure() == one == 2  # the key, the page


def _three_ticket_fields(account):
    return [
        create_custom_field(account=account, applies_to="ticket", key=key, label=key.title(), kind="text")
        for key in ("plan", "seats", "region")
    ]


def test_reorder_puts_the_fields_in_the_order_given(api, account):
    plan, seats, region = _three_ticket_fields(account)
    tier = create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="text")

    response = api.post("/custom-fields/reorder", {"ids": [region.public_id, plan.public_id, seats.public_id]})

    assert response.status_code == 200, response.content
    assert [(f["key"], f["position"]) for f in response.json()["items"]] == [("region", 1), ("plan", 2), ("seats", 3)]
    assert [f["key"] for f in api.get("/custom-fields").json()["items"]] == ["region", "plan", "seats", "tier"]
    page = api.get("/custom-fields", {"limit": 2}).json()
    rest = api.get("/custom-fields", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [f["key"] for f in page["items"] + rest["items"]] == ["region", "plan", "seats", "tier"]
    entry = AuditEntry.objects.get(account=account, action="custom_field.reordered")
    assert entry.data == {"applies_to": "ticket", "order": ["region", "plan", "seats"]}
    tier.refresh_from_db()
    assert tier.position == 1  # the contact fields keep their order
    created = api.post("/custom-fields", {"applies_to": "ticket", "key": "late", "label": "Late", "kind": "text"})
    assert created.json()["position"] == 4  # a new field goes last
    assert [f["key"] for f in api.get("/custom-fields", {"applies_to": "ticket"}).json()["items"]] == [
        "region", "plan", "seats", "late",
    ]  # fmt: skip


def test_a_bad_order_changes_nothing(api, account, other_account):
    plan, seats, region = _three_ticket_fields(account)
    tier = create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="text")
    theirs = create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    ids = [plan.public_id, seats.public_id, region.public_id]
    for body, message in [
        ({"ids": [region.public_id, plan.public_id, theirs.public_id]},
         f"There is no custom field with the id {theirs.public_id}."),
        ({"ids": [region.public_id, plan.public_id, seats.public_id, theirs.public_id]},
         f"There is no custom field with the id {theirs.public_id}."),
        ({"ids": [region.public_id, "zzzzzzzz", plan.public_id]}, "There is no custom field with the id zzzzzzzz."),
        ({"ids": [region.public_id, plan.public_id]}, "List every field of tickets (or of contacts) exactly once."),
        ({"ids": [region.public_id, plan.public_id, plan.public_id, seats.public_id]},
         "List every field of tickets (or of contacts) exactly once."),
        ({"ids": [region.public_id, plan.public_id, seats.public_id, tier.public_id]},
         "Reorder the fields of tickets and those of contacts separately."),
    ]:  # fmt: skip
        problem = assert_problem(api.post("/custom-fields/reorder", body), 400)
        assert problem["errors"] == [{"field": "ids", "in": "body", "message": message, "code": "invalid"}]
    assert_problem(api.post("/custom-fields/reorder", {"ids": []}), 400)
    assert (
        list(CustomField.objects.filter(account=account, applies_to="ticket").values_list("public_id", flat=True))
        == ids
    )
    assert list(CustomField.objects.filter(account=account).order_by("id").values_list("position", flat=True)) == [
        1, 2, 3, 1,
    ]  # fmt: skip
    assert not AuditEntry.objects.filter(action="custom_field.reordered").exists()


def test_another_account_cannot_reorder_our_fields(other_api, account):
    plan, seats, region = _three_ticket_fields(account)

    response = other_api.post("/custom-fields/reorder", {"ids": [region.public_id, plan.public_id, seats.public_id]})

    assert assert_problem(response, 400)["errors"][0]["field"] == "ids"
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == [
        "plan",
        "seats",
        "region",
    ]
    assert other_api.get("/custom-fields").json()["items"] == []
