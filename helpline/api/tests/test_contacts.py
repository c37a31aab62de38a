"""/contacts: list, search, create, read, rename."""

from __future__ import annotations

from helpline.api.tests.conftest import assert_problem
from helpline.people.actions import create_contact
from helpline.people.models import Contact, ContactIdentity


def _iso(value):
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_contact_shape(api, account):
    contact = create_contact(account=account, name="Erin", email="erin@example.com")

    response = api.get(f"/contacts/{contact.public_id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": contact.public_id, "name": "Erin", "email": "erin@example.com", "company": None,
        "created_at": _iso(contact.created_at), "updated_at": _iso(contact.updated_at), "custom_fields": {},
    }  # fmt: skip


def test_list_is_newest_first_and_pages(api, account):
    contacts = [create_contact(account=account, name=f"C{n}", email=f"c{n}@example.com") for n in range(5)]

    first = api.get("/contacts", {"limit": 3}).json()
    second = api.get("/contacts", {"limit": 3, "cursor": first["next_cursor"]}).json()

    newest_first = [c.public_id for c in reversed(contacts)]
    assert [c["id"] for c in first["items"]] == newest_first[:3]
    assert [c["id"] for c in second["items"]] == newest_first[3:]
    assert second["next_cursor"] is None


def test_search(api, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        frank = create_contact(account=account, name="Frank Zappa", email="frank@example.com")
        create_contact(account=account, name="Grace", email="grace@example.com")

    response = api.get("/contacts", {"q": "zappa"})

    assert [c["id"] for c in response.json()["items"]] == [frank.public_id]


def test_create(api, account):
    response = api.post("/contacts", {"name": " Heidi ", "email": "Heidi@Example.com"})

    assert response.status_code == 201
    contact = Contact.objects.get(account=account)
    assert {k: response.json()[k] for k in ("id", "name", "email", "company")} == {
        "id": contact.public_id, "name": "Heidi", "email": "heidi@example.com", "company": None
    }  # fmt: skip
    assert list(ContactIdentity.objects.filter(contact=contact).values_list("kind", "value")) == [
        ("email", "heidi@example.com")
    ]


def test_create_without_email(api, account):
    response = api.post("/contacts", {"name": "Walk-in"})

    assert response.status_code == 201
    assert response.json()["email"] == ""


def test_create_needs_a_name_or_an_email(api, account):
    problem = assert_problem(api.post("/contacts", {"name": " "}), 400, "validation")

    assert problem["detail"] == "Give a name or an email address."
    assert Contact.objects.count() == 0


def test_duplicate_email_is_409(api, account):
    create_contact(account=account, name="Ivan", email="ivan@example.com")

    problem = assert_problem(api.post("/contacts", {"email": "IVAN@example.com"}), 409, "conflict")

    assert problem["detail"] == "A contact with this email address exists already."
    assert Contact.objects.count() == 1


def test_rename(api, account):
    contact = create_contact(account=account, name="Judy", email="judy@example.com")

    response = api.patch(f"/contacts/{contact.public_id}", {"name": "Judith"})

    assert response.status_code == 200
    assert response.json()["name"] == "Judith"
    contact.refresh_from_db()
    assert contact.name == "Judith"


def test_patch_rejects_unknown_fields_and_changes_nothing(api, account):
    contact = create_contact(account=account, name="Kim", email="kim@example.com")

    problem = assert_problem(api.patch(f"/contacts/{contact.public_id}", {"name": "K", "phone": "+1"}), 400)

    assert [e["field"] for e in problem["errors"]] == ["phone"]
    contact.refresh_from_db()
    assert (contact.name, contact.primary_email) == ("Kim", "kim@example.com")


def test_unknown_contact_is_404(api):
    assert_problem(api.get("/contacts/0000000000000000"), 404, "not_found")
    assert_problem(api.patch("/contacts/0000000000000000", {"name": "x"}), 404, "not_found")
