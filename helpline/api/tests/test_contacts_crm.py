"""Contacts beyond create/rename: filters, update, merge, private notes; companies; contact groups."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import assert_problem
from helpline.conversations.models import Ticket
from helpline.core.actors import Actor
from helpline.people.actions import add_contact_note, create_company, create_contact, create_group, update_contact
from helpline.people.models import Company, Contact, ContactGroup, ContactNote
from helpline.security.models import AuditEntry

MISSING = "0000000000000000"


# Contacts


def test_patch_email_and_company(api, account):
    contact = create_contact(account=account, name="Kim", email="kim@example.com")
    company = create_company(account=account, name="Acme")

    response = api.patch(f"/contacts/{contact.public_id}", {"email": "Kim@New.example", "company": company.public_id})

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email"], body["company"]) == (
        "Kim", "kim@new.example", {"id": company.public_id, "name": "Acme"},
    )  # fmt: skip
    assert sorted(contact.identities.values_list("value", flat=True)) == ["kim@example.com", "kim@new.example"]
    response = api.patch(f"/contacts/{contact.public_id}", {"company": None})
    assert response.json()["company"] is None


def test_patch_with_another_contacts_email_is_409_and_changes_nothing(api, account):
    create_contact(account=account, name="A", email="a@example.com")
    b = create_contact(account=account, name="B", email="b@example.com")

    problem = assert_problem(api.patch(f"/contacts/{b.public_id}", {"name": "Bee", "email": "a@example.com"}), 409)

    assert problem["detail"] == "Another contact has this email address; merge the two contacts instead."
    b.refresh_from_db()
    assert (b.name, b.primary_email) == ("B", "b@example.com")


def test_patch_with_an_unknown_company_is_400(api, account, other_account):
    contact = create_contact(account=account, name="A")
    foreign = create_company(account=other_account, name="Globex")

    problem = assert_problem(api.patch(f"/contacts/{contact.public_id}", {"company": foreign.public_id}), 400)

    assert problem["errors"][0]["field"] == "company"
    contact.refresh_from_db()
    assert contact.company_id is None


def test_list_filters_by_company_and_group(api, account):
    acme = create_company(account=account, name="Acme")
    ann = create_contact(account=account, name="Ann", email="ann@acme.example")
    update_contact(contact=ann, company=acme)
    bob = create_contact(account=account, name="Bob", email="bob@else.example")
    group = create_group(
        account=account, name="Else", rule={"conditions": [{"field": "email_domain", "value": "else.example"}]}
    )

    assert [c["id"] for c in api.get("/contacts", {"company": acme.public_id}).json()["items"]] == [ann.public_id]
    assert [c["id"] for c in api.get("/contacts", {"group": group.public_id}).json()["items"]] == [bob.public_id]
    problem = assert_problem(api.get("/contacts", {"group": MISSING}), 400)
    assert problem["errors"][0] == {
        "field": "group",
        "in": "query",
        "message": "No such contact group.",
        "code": "invalid",
    }


def test_merge(api, account, make_ticket):
    survivor = create_contact(account=account, name="Dana", email="dana@example.com")
    ticket = make_ticket(account, email="dana2@example.com")
    duplicate = ticket.contact

    response = api.post(f"/contacts/{survivor.public_id}/merge", {"duplicate": duplicate.public_id})

    assert response.status_code == 200
    assert response.json()["id"] == survivor.public_id
    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    ticket.refresh_from_db()
    assert ticket.contact_id == survivor.pk
    assert AuditEntry.objects.filter(action="contact.merged", actor_api_key__isnull=False).count() == 1


def test_merge_bad_input(api, account):
    contact = create_contact(account=account, name="A")

    assert_problem(api.post(f"/contacts/{contact.public_id}/merge", {"duplicate": contact.public_id}), 400)
    problem = assert_problem(api.post(f"/contacts/{contact.public_id}/merge", {"duplicate": MISSING}), 400)
    assert problem["errors"][0]["field"] == "duplicate"
    assert_problem(api.post(f"/contacts/{contact.public_id}/merge", {}), 400, "validation")
    assert_problem(api.post(f"/contacts/{MISSING}/merge", {"duplicate": contact.public_id}), 404)
    assert Contact.objects.count() == 1


def test_notes(api, account, agent):
    contact = create_contact(account=account, name="A")
    add_contact_note(contact=contact, body="Older", actor=Actor(user=agent))

    created = api.post(f"/contacts/{contact.public_id}/notes", {"body": " Call after 5 "})

    assert created.status_code == 201
    note = ContactNote.objects.get(body="Call after 5")
    assert created.json() == {
        "id": note.public_id, "body": "Call after 5", "author": None,
        "created_at": note.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }  # fmt: skip
    listed = api.get(f"/contacts/{contact.public_id}/notes").json()["items"]
    assert [(n["body"], n["author"]) for n in listed] == [
        ("Call after 5", None), ("Older", {"id": agent.public_id, "name": "Alice Agent"}),
    ]  # fmt: skip
    assert_problem(api.post(f"/contacts/{contact.public_id}/notes", {"body": "  "}), 400, "validation")

    deleted = api.delete(f"/contacts/{contact.public_id}/notes/{note.public_id}")

    assert deleted.status_code == 204
    assert list(ContactNote.objects.values_list("body", flat=True)) == ["Older"]
    assert_problem(api.delete(f"/contacts/{contact.public_id}/notes/{note.public_id}"), 404)


# Companies


def test_companies_crud(api, account):
    created = api.post("/companies", {"name": "Initech", "domain": "initech.example"})
    assert created.status_code == 201
    company = Company.objects.get(account=account)
    assert created.json() == {
        "id": company.public_id, "name": "Initech", "domain": "initech.example",
        "created_at": company.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }  # fmt: skip
    assert_problem(api.post("/companies", {"name": "INITECH"}), 409, "conflict")
    assert_problem(api.post("/companies", {"name": ""}), 400, "validation")

    patched = api.patch(f"/companies/{company.public_id}", {"name": "Initrode"})
    assert (patched.status_code, patched.json()["name"], patched.json()["domain"]) == (
        200,
        "Initrode",
        "initech.example",
    )
    assert api.get(f"/companies/{company.public_id}").json()["name"] == "Initrode"

    assert api.delete(f"/companies/{company.public_id}").status_code == 204
    assert Company.objects.count() == 0
    assert_problem(api.get(f"/companies/{company.public_id}"), 404)


def test_companies_list_is_alphabetical_and_pages(api, account):
    for name in ["Delta", "alpha", "Charlie", "Bravo"]:
        create_company(account=account, name=name)

    first = api.get("/companies", {"limit": 2}).json()
    second = api.get("/companies", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [c["name"] for c in first["items"]] + [c["name"] for c in second["items"]] == [
        "Bravo",
        "Charlie",
        "Delta",
        "alpha",
    ] or [c["name"] for c in first["items"]] + [c["name"] for c in second["items"]] == [
        "alpha",
        "Bravo",
        "Charlie",
        "Delta",
    ]  # fmt: skip  (byte order on PostgreSQL's C collation, case-insensitive elsewhere)
    assert second["next_cursor"] is None
    assert_problem(api.get("/companies", {"cursor": "nope"}), 400)


# Contact groups


def test_groups_crud_and_members(api, account):
    ann = create_contact(account=account, name="Ann", email="ann@acme.example")
    bob = create_contact(account=account, name="Bob", email="bob@else.example")
    rule = {"match": "all", "conditions": [{"field": "email_domain", "op": "is", "value": "acme.example"}]}

    created = api.post("/contact-groups", {"name": "Acme people", "rule": rule})

    assert created.status_code == 201
    group = ContactGroup.objects.get()
    assert created.json() == {"id": group.public_id, "name": "Acme people", "description": "", "rule": rule}
    members = api.post(f"/contact-groups/{group.public_id}/members", {"add": [bob.public_id]})
    assert members.status_code == 200
    listed = api.get(f"/contact-groups/{group.public_id}/contacts").json()
    assert [c["id"] for c in listed["items"]] == [bob.public_id, ann.public_id]

    patched = api.patch(
        f"/contact-groups/{group.public_id}", {"rule": {"conditions": []}, "description": "Hand-picked"}
    )
    assert (patched.json()["rule"], patched.json()["description"]) == ({}, "Hand-picked")
    listed = api.get(f"/contact-groups/{group.public_id}/contacts").json()
    assert [c["id"] for c in listed["items"]] == [bob.public_id]

    api.post(f"/contact-groups/{group.public_id}/members", {"remove": [bob.public_id]})
    assert list(group.contacts.all()) == []
    assert [g["id"] for g in api.get("/contact-groups").json()["items"]] == [group.public_id]
    assert api.delete(f"/contact-groups/{group.public_id}").status_code == 204
    assert ContactGroup.objects.count() == 0


def test_group_bad_input_changes_nothing(api, account, other_account):
    group = create_group(account=account, name="G")
    foreign = create_contact(account=other_account, name="F")

    problem = assert_problem(api.post(f"/contact-groups/{group.public_id}/members", {"add": [foreign.public_id]}), 400)
    assert problem["errors"][0]["field"] == "add"
    problem = assert_problem(
        api.post("/contact-groups", {"name": "X", "rule": {"conditions": [{"field": "shoe", "value": "9"}]}}), 400
    )
    assert problem["detail"] == "Unknown field shoe in the rule."
    assert_problem(api.post("/contact-groups", {"name": "x", "rule": {"match": "some"}}), 400, "validation")
    assert_problem(api.post("/contact-groups", {"name": "g"}), 409, "conflict")
    assert list(ContactGroup.objects.values_list("name", flat=True)) == ["G"]
    assert group.contacts.count() == 0


# Isolation and query counts


def test_another_account_gets_404_and_changes_nothing(api, other_api, account, agent):
    contact = create_contact(account=account, name="Mine", email="mine@example.com")
    company = create_company(account=account, name="Mine Inc")
    group = create_group(account=account, name="Mine")
    note = add_contact_note(contact=contact, body="secret", actor=Actor(user=agent))

    calls = [
        other_api.get(f"/contacts/{contact.public_id}/notes"),
        other_api.post(f"/contacts/{contact.public_id}/notes", {"body": "x"}),
        other_api.delete(f"/contacts/{contact.public_id}/notes/{note.public_id}"),
        other_api.post(f"/contacts/{contact.public_id}/merge", {"duplicate": contact.public_id}),
        other_api.patch(f"/contacts/{contact.public_id}", {"name": "x"}),
        other_api.get(f"/companies/{company.public_id}"),
        other_api.patch(f"/companies/{company.public_id}", {"name": "x"}),
        other_api.delete(f"/companies/{company.public_id}"),
        other_api.get(f"/contact-groups/{group.public_id}"),
        other_api.get(f"/contact-groups/{group.public_id}/contacts"),
        other_api.patch(f"/contact-groups/{group.public_id}", {"name": "x"}),
        other_api.post(f"/contact-groups/{group.public_id}/members", {"add": []}),
        other_api.delete(f"/contact-groups/{group.public_id}"),
    ]

    for response in calls:
        assert_problem(response, 404, "not_found")
    assert other_api.get("/companies").json()["items"] == []
    assert other_api.get("/contact-groups").json()["items"] == []
    assert_problem(other_api.get("/contacts", {"company": company.public_id}), 400)
    contact.refresh_from_db(), company.refresh_from_db(), group.refresh_from_db()
    assert (contact.name, company.name, group.name) == ("Mine", "Mine Inc", "Mine")
    assert list(ContactNote.objects.values_list("body", flat=True)) == ["secret"]


def _queries(api, path, params=None):
    api.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, params)
    assert response.status_code == 200
    return len(response.json()["items"]), len(queries)


def test_list_queries_do_not_grow(api, account):
    acme = create_company(account=account, name="Acme")
    group = create_group(account=account, name="All acme", rule={"conditions": [{"field": "company", "value": "Acme"}]})

    def fill(n, start):
        for i in range(start, start + n):
            contact = create_contact(account=account, name=f"C{i}", email=f"c{i}@example.com")
            update_contact(contact=contact, company=acme)
            create_company(account=account, name=f"Co{i}")

    fill(3, 0)
    small = [
        _queries(api, "/contacts"),
        _queries(api, "/companies"),
        _queries(api, "/contacts", {"group": group.public_id}),
    ]
    fill(20, 3)
    large = [
        _queries(api, "/contacts"),
        _queries(api, "/companies"),
        _queries(api, "/contacts", {"group": group.public_id}),
    ]

    # The key, the page (company joined), the contacts' custom field values; the group filter adds its lookup.
    assert small == [(3, 3), (4, 2), (3, 4)]
    assert large == [(23, 3), (24, 2), (23, 4)]


# Internal tickets


def test_open_an_internal_ticket(api, account, owner, agent):
    response = api.post(
        "/internal-tickets",
        {"subject": "Approve refund", "author": owner.public_id, "message": {"body": "Please approve"},
         "assignee": agent.public_id, "priority": "high"},
    )  # fmt: skip

    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["subject"], body["priority"], body["assignee"]["id"]) == (
        "internal", "Approve refund", "high", agent.public_id,
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert (ticket.public_id, ticket.contact.agent) == (body["id"], owner)
    assert list(ticket.messages.values_list("kind", "body_text")) == [("note", "Please approve")]


def test_internal_ticket_bad_input_opens_nothing(api, account, owner, other_account):
    stranger = other_account.owner
    base = {"subject": "S", "author": owner.public_id, "message": {"body": "B"}}

    assert_problem(api.post("/internal-tickets", base), 400)  # for nobody
    problem = assert_problem(
        api.post("/internal-tickets", {**base, "author": stranger.public_id, "assignee": owner.public_id}), 400
    )
    assert problem["errors"][0]["field"] == "author"
    problem = assert_problem(api.post("/internal-tickets", {**base, "assignee": stranger.public_id}), 400)
    assert problem["errors"][0]["field"] == "assignee"
    assert_problem(api.post("/internal-tickets", {**base, "assignee": owner.public_id, "to": "x@example.com"}), 400)
    assert Ticket.objects.count() == 0
    assert Contact.objects.filter(agent__isnull=False).count() == 0


def test_notes_and_groups_lists_cost_fixed_queries(api, account, owner, agent):
    contact = create_contact(account=account, name="N")
    group = create_group(
        account=account, name="G0", rule={"conditions": [{"field": "name", "op": "contains", "value": "M"}]}
    )

    def fill(start, n):
        for i in range(start, start + n):
            add_contact_note(contact=contact, body=f"note {i}", actor=Actor(user=agent if i % 2 else owner))
            create_group(account=account, name=f"G{i + 1}", rule={"conditions": [{"field": "name", "value": "N"}]})
            create_contact(account=account, name=f"M{i}")

    paths = [f"/contacts/{contact.public_id}/notes", "/contact-groups", f"/contact-groups/{group.public_id}/contacts"]
    fill(0, 2)
    small = [_queries(api, path) for path in paths]
    fill(2, 20)
    large = [_queries(api, path) for path in paths]

    # The key, the contact and its notes (authors joined); the key and the groups; the key, the group, the page
    # and the page's custom field values.
    assert small == [(2, 3), (3, 2), (2, 4)]
    assert large == [(22, 3), (23, 2), (22, 4)]
