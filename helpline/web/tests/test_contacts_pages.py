"""Contacts, companies and groups in the workspace: pages, edits, notes, merge, CSV; isolation; query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.actions import change_status
from helpline.core.actors import Actor
from helpline.people.actions import add_contact_note, create_company, create_contact, create_group, update_contact
from helpline.people.models import Company, Contact, ContactGroup, ContactImport, ContactNote
from helpline.web.tests.conftest import htmx_target, signed_in


@pytest.fixture
def other_client(other_account):
    return signed_in(other_account.owner, other_account)


def _count(client, url):
    cache.clear()
    client.get(url)  # warm what is cached per account (group choices)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_contact_page_shows_every_ticket_newest_first_and_pages(agent_client, account, make_ticket):
    tickets = [make_ticket(account, subject=f"Question {i}", email="dana@example.com") for i in range(3)]
    make_ticket(account, subject="Someone else's", email="eve@example.com")
    contact = tickets[0].contact

    response = agent_client.get(f"/agent/contacts/{contact.public_id}/?status=")

    assert response.status_code == 200
    assert [t.subject for t in response.context["tickets"]] == ["Question 2", "Question 1", "Question 0"]
    change_status(ticket=tickets[0], status="resolved")
    resolved = agent_client.get(f"/agent/contacts/{contact.public_id}/?status=resolved").context["tickets"]
    assert [t.subject for t in resolved] == ["Question 0"]


def test_contact_tickets_are_keyset_paginated(agent_client, account, make_ticket, settings):
    from helpline.conversations import selectors

    tickets = [make_ticket(account, subject=f"Q{i}", email="dana@example.com") for i in range(55)]
    contact = tickets[0].contact

    first = agent_client.get(f"/agent/contacts/{contact.public_id}/")
    older = first.context["tickets_older_url"]
    second = agent_client.get(older, **htmx_target("contact-tickets"))

    assert len(first.context["tickets"]) == selectors.PAGE_SIZE
    assert [t.subject for t in second.context["tickets"]] == ["Q4", "Q3", "Q2", "Q1", "Q0"]
    assert second.templates[0].name == "contacts/_tickets.html"
    assert second.context["tickets_older_url"] == ""


def test_contact_page_costs_the_same_queries_for_few_and_many(agent_client, account, agent, make_ticket):
    ticket = make_ticket(account, email="dana@example.com")
    contact = ticket.contact
    create_group(account=account, name="By rule", rule={"conditions": [{"field": "name", "value": "Carla Customer"}]})
    _response, few = _count(agent_client, f"/agent/contacts/{contact.public_id}/")
    for i in range(8):
        make_ticket(account, subject=f"More {i}", email="dana@example.com")
        add_contact_note(contact=contact, body=f"note {i}", actor=Actor(user=agent))
        create_group(
            account=account, name=f"G{i}", rule={"conditions": [{"field": "email", "value": "dana@example.com"}]}
        )
    response, many = _count(agent_client, f"/agent/contacts/{contact.public_id}/")

    assert len(response.context["tickets"]) == 9
    assert len(response.context["notes"]) == 8
    assert len(response.context["contact_groups"]) == 9
    assert few == many


def test_company_page_costs_the_same_queries_for_few_and_many(agent_client, account, make_ticket):
    company = create_company(account=account, name="Initech")

    def fill(start, n):
        for i in range(start, start + n):
            update_contact(
                contact=make_ticket(account, subject=f"T{i}", email=f"p{i}@initech.example").contact, company=company
            )

    fill(0, 2)
    _response, few = _count(agent_client, f"/agent/contacts/companies/{company.public_id}/")
    fill(2, 10)
    response, many = _count(agent_client, f"/agent/contacts/companies/{company.public_id}/")

    assert (len(response.context["contacts"]), len(response.context["tickets"])) == (12, 12)
    assert few == many


def test_contact_and_company_lists_cost_fixed_queries(agent_client, account):
    acme = create_company(account=account, name="Acme")

    def fill(start, n):
        for i in range(start, start + n):
            contact = create_contact(account=account, name=f"C{i}", email=f"c{i}@example.com")
            update_contact(contact=contact, company=acme)
            create_company(account=account, name=f"Company {i}")

    fill(0, 3)
    small = [_count(agent_client, url)[1] for url in ("/agent/contacts/", "/agent/contacts/companies/")]
    fill(3, 30)
    response, contacts_many = _count(agent_client, "/agent/contacts/")
    _companies, companies_many = _count(agent_client, "/agent/contacts/companies/")

    assert len(response.context["contacts"]) == 33
    assert small == [contacts_many, companies_many]


def test_contact_list_search_filters_and_pages(agent_client, account):
    acme = create_company(account=account, name="Acme")
    contacts = [create_contact(account=account, name=f"C{i}", email=f"c{i}@example.com") for i in range(55)]
    update_contact(contact=contacts[0], company=acme)
    group = create_group(account=account, name="Ones", rule={"conditions": [{"field": "name", "value": "C1"}]})

    page = agent_client.get("/agent/contacts/")
    assert len(page.context["contacts"]) == 50
    older = agent_client.get(page.context["older_url"], **htmx_target("contact-list"))
    assert [c.name for c in older.context["contacts"]] == ["C4", "C3", "C2", "C1", "C0"]
    by_company = agent_client.get(f"/agent/contacts/?company={acme.public_id}")
    assert [c.name for c in by_company.context["contacts"]] == ["C0"]
    by_group = agent_client.get(f"/agent/contacts/?group={group.public_id}")
    assert [c.name for c in by_group.context["contacts"]] == ["C1"]
    assert by_group.context["export_url"] == f"/agent/contacts/export.csv?group={group.public_id}"
    assert agent_client.get("/agent/contacts/?group=0000000000000000").status_code == 404


def test_edit_contact(agent_client, account):
    contact = create_contact(account=account, name="Kim", email="kim@example.com")
    acme = create_company(account=account, name="Acme")
    other = create_contact(account=account, name="Lee", email="lee@example.com")

    response = agent_client.post(
        f"/agent/contacts/{contact.public_id}/edit/",
        {"name": "Kim K", "email": "kim@example.com", "company": acme.public_id},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.company) == ("Kim K", acme)

    refused = agent_client.post(
        f"/agent/contacts/{contact.public_id}/edit/", {"name": "X", "email": "lee@example.com", "company": ""}
    )
    assert refused.status_code == 422
    assert "merge the two contacts" in refused.content.decode()
    contact.refresh_from_db()
    assert (contact.name, contact.primary_email, contact.company) == ("Kim K", "kim@example.com", acme)
    assert other.identities.count() == 1


def test_add_and_remove_an_address(agent_client, account):
    contact = create_contact(account=account, name="Kim", email="kim@example.com")
    create_contact(account=account, name="Lee", email="lee@example.com")
    url = f"/agent/contacts/{contact.public_id}/identities/"

    assert agent_client.post(url, {"kind": "phone", "value": "+1 555 0100"}).status_code == 302
    taken = agent_client.post(url, {"kind": "email", "value": "lee@example.com"})
    assert taken.status_code == 422
    assert agent_client.post(url, {"kind": "email", "value": "x@example.com", "remove": "1"}).status_code == 404
    assert agent_client.post(url, {"kind": "email", "value": "kim@example.com", "remove": "1"}).status_code == 302

    contact.refresh_from_db()
    assert list(contact.identities.values_list("kind", "value")) == [("phone", "+1 555 0100")]
    assert contact.primary_email == ""


def test_notes_on_the_page_and_in_the_side_panel_card(agent_client, account, agent, ticket):
    contact = ticket.contact

    panel = agent_client.get(f"/agent/tickets/{ticket.public_id}/panel/").content.decode()
    assert f'hx-get="/agent/contacts/{contact.public_id}/card/"' in panel
    added = agent_client.post(f"/agent/contacts/{contact.public_id}/notes/", {"body": "VIP, be nice", "from": "card"})
    assert added.status_code == 200
    assert added.templates[0].name == "contacts/_contact_card.html"
    assert "VIP, be nice" in added.content.decode()
    note = ContactNote.objects.get()
    assert (note.author, note.contact) == (agent, contact)
    page = agent_client.get(f"/agent/contacts/{contact.public_id}/")
    assert [n.body for n in page.context["notes"]] == ["VIP, be nice"]

    empty = agent_client.post(f"/agent/contacts/{contact.public_id}/notes/", {"body": " "})
    assert empty.status_code == 422
    assert ContactNote.objects.count() == 1
    deleted = agent_client.post(f"/agent/contacts/{contact.public_id}/notes/{note.public_id}/delete/")
    assert deleted.status_code == 302
    assert ContactNote.objects.count() == 0


def test_merge_from_the_contact_page(agent_client, account, make_ticket):
    survivor = create_contact(account=account, name="Dana", email="dana@example.com")
    make_ticket(account, email="dana.other@example.com")

    unknown = agent_client.post(f"/agent/contacts/{survivor.public_id}/merge/", {"duplicate": "nobody@example.com"})
    assert unknown.status_code == 422
    assert Contact.objects.count() == 2

    merged = agent_client.post(f"/agent/contacts/{survivor.public_id}/merge/", {"duplicate": "Dana.Other@example.com"})

    assert merged.status_code == 302
    assert list(Contact.objects.values_list("pk", flat=True)) == [survivor.pk]
    assert survivor.tickets.count() == 1


def test_groups_by_hand_and_by_rule(agent_client, account):
    contact = create_contact(account=account, name="Ann", email="ann@acme.example")
    created = agent_client.post(
        "/agent/contacts/groups/new/",
        {
            "name": "Acme",
            "match": "all",
            "field": ["email_domain", ""],
            "op": ["is", "is"],
            "value": ["acme.example", ""],
        },
    )
    group = ContactGroup.objects.get()
    assert created.status_code == 302
    assert group.rule == {
        "match": "all",
        "conditions": [{"field": "email_domain", "op": "is", "value": "acme.example"}],
    }
    hand = create_group(account=account, name="Hand")
    agent_client.post(f"/agent/contacts/{contact.public_id}/groups/", {"add": hand.public_id})
    page = agent_client.get(f"/agent/contacts/{contact.public_id}/")
    assert [(g.name, by_hand) for g, by_hand in page.context["contact_groups"]] == [("Acme", False), ("Hand", True)]
    assert [c.name for c in agent_client.get(f"/agent/contacts/groups/{group.public_id}/").context["members"]] == [
        "Ann"
    ]

    bad = agent_client.post(
        f"/agent/contacts/groups/{group.public_id}/edit/",
        {"name": "Acme", "match": "all", "field": ["name"], "op": ["like"], "value": ["x"]},
    )
    assert bad.status_code == 422
    group.refresh_from_db()
    assert group.rule["conditions"][0]["field"] == "email_domain"


def test_companies_pages(agent_client, account, make_ticket):
    created = agent_client.post("/agent/contacts/companies/new/", {"name": "Initech", "domain": "initech.example"})
    company = Company.objects.get()
    assert created.status_code == 302
    ticket = make_ticket(account, subject="From Initech", email="peter@initech.example")
    update_contact(contact=ticket.contact, company=company)

    page = agent_client.get(f"/agent/contacts/companies/{company.public_id}/")

    assert [c.pk for c in page.context["contacts"]] == [ticket.contact.pk]
    assert [t.subject for t in page.context["tickets"]] == ["From Initech"]
    duplicate = agent_client.post("/agent/contacts/companies/new/", {"name": "initech"})
    assert duplicate.status_code == 422
    assert Company.objects.count() == 1
    agent_client.post(f"/agent/contacts/companies/{company.public_id}/delete/")
    ticket.contact.refresh_from_db()
    assert (Company.objects.count(), ticket.contact.company_id) == (0, None)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_export_respects_the_filter_and_streams(agent_client, account):
    acme = create_company(account=account, name="Acme")
    ann = create_contact(account=account, name="Ann", email="ann@example.com")
    update_contact(contact=ann, company=acme)
    create_contact(account=account, name="Bob", email="bob@example.com")
    group = create_group(
        account=account, name="Acme people", rule={"conditions": [{"field": "company", "value": "Acme"}]}
    )

    everyone = agent_client.get("/agent/contacts/export.csv")
    members = agent_client.get(f"/agent/contacts/export.csv?group={group.public_id}")

    assert everyone.streaming
    assert everyone["Content-Type"] == "text/csv; charset=utf-8"
    assert everyone["Content-Disposition"].startswith('attachment; filename="contacts-')
    rows = _csv(everyone)
    assert rows[0] == ["id", "name", "email", "phone", "company", "groups", "created_at"]
    assert [r[1:6] for r in rows[1:]] == [
        ["Bob", "bob@example.com", "", "", ""],
        ["Ann", "ann@example.com", "", "Acme", ""],
    ]
    assert [r[1] for r in _csv(members)[1:]] == ["Ann"]


def test_import_through_the_workspace(agent_client, account, django_capture_on_commit_callbacks):
    data = b"name,email\nAnn,ann@example.com\nBad,nope\n"

    uploaded = agent_client.post("/agent/contacts/import/", {"file": SimpleUploadedFile("p.csv", data, "text/csv")})

    contact_import = ContactImport.objects.get()
    assert uploaded.status_code == 302
    preview = agent_client.get(f"/agent/contacts/import/{contact_import.public_id}/")
    assert [(r.number, r.errors) for r in preview.context["rows"]] == [
        (2, []),
        (3, ["nope is not a valid email address."]),
    ]
    assert Contact.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once (HELPLINE_TASKS_IMMEDIATE)
        agent_client.post(f"/agent/contacts/import/{contact_import.public_id}/start/")

    report = agent_client.get(f"/agent/contacts/import/{contact_import.public_id}/")
    assert report.context["contact_import"].status == "done"
    assert report.context["contact_import"].errors == [{"row": 3, "message": "nope is not a valid email address."}]
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ann"]
    refused = agent_client.post("/agent/contacts/import/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert refused.status_code == 422
    assert ContactImport.objects.count() == 1


def test_another_account_gets_404_everywhere_and_nothing_changes(other_client, account, agent, make_ticket):
    ticket = make_ticket(account, email="mine@example.com")
    contact = ticket.contact
    note = add_contact_note(contact=contact, body="secret", actor=Actor(user=agent))
    company = create_company(account=account, name="Mine")
    group = create_group(account=account, name="Mine")
    contact_import = ContactImport.objects.create(account=account, source="name\nA\n", total_rows=1)
    c = contact.public_id
    gets = [
        f"/agent/contacts/{c}/", f"/agent/contacts/{c}/card/", f"/agent/contacts/companies/{company.public_id}/",
        f"/agent/contacts/groups/{group.public_id}/", f"/agent/contacts/import/{contact_import.public_id}/",
        f"/agent/contacts/export.csv?company={company.public_id}",
        f"/agent/contacts/export.csv?group={group.public_id}",
        f"/agent/contacts/?group={group.public_id}",
    ]  # fmt: skip
    posts = [
        (f"/agent/contacts/{c}/edit/", {"name": "x"}), (f"/agent/contacts/{c}/notes/", {"body": "x"}),
        (f"/agent/contacts/{c}/notes/{note.public_id}/delete/", {}), (f"/agent/contacts/{c}/merge/", {"duplicate": c}),
        (f"/agent/contacts/{c}/groups/", {"add": group.public_id}),
        (f"/agent/contacts/{c}/identities/", {"kind": "phone", "value": "+1"}),
        (f"/agent/contacts/companies/{company.public_id}/edit/", {"name": "x"}),
        (f"/agent/contacts/companies/{company.public_id}/delete/", {}),
        (f"/agent/contacts/groups/{group.public_id}/edit/", {"name": "x"}),
        (f"/agent/contacts/groups/{group.public_id}/delete/", {}),
        (f"/agent/contacts/import/{contact_import.public_id}/start/", {}),
    ]  # fmt: skip

    for url in gets:
        assert other_client.get(url).status_code == 404, url
    for url, data in posts:
        assert other_client.post(url, data).status_code == 404, url
    assert other_client.get("/agent/contacts/").context["contacts"] == []
    assert _csv(other_client.get("/agent/contacts/export.csv")) == [
        ["id", "name", "email", "phone", "company", "groups", "created_at"]
    ]
    contact.refresh_from_db(), company.refresh_from_db(), group.refresh_from_db(), contact_import.refresh_from_db()
    assert (contact.name, company.name, group.name, contact_import.status) == (
        "Carla Customer",
        "Mine",
        "Mine",
        "preview",
    )
    assert list(ContactNote.objects.values_list("body", flat=True)) == ["secret"]
    assert group.contacts.count() == 0
