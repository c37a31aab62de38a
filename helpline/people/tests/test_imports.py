"""CSV import: file-level errors, per-row errors in the preview and the report, dedupe by email, idempotent run."""

from __future__ import annotations

import pytest

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.people import csv_io
from helpline.people.actions import (
    create_contact,
    create_group,
    preview_contact_import,
    run_contact_import,
    start_contact_import,
)
from helpline.people.actions.imports import preview_rows
from helpline.people.models import Company, Contact, ContactIdentity, ContactImport
from helpline.security.models import AuditEntry

CSV = (
    "Name,Email,Phone,Company,Groups\n"
    "Ann,ann@example.com,+111,Acme,VIP\n"
    ",,,,\n"  # blank lines are skipped
    "Bob,not-an-address,,,\n"
    ",,+222,,\n"
    "Carl,carl@example.com,,Acme,Nope\n"
    "Ann Again,ANN@example.com,,,\n"
    "Dora,dora@example.com,+999,,\n"
)


def _preview(account, agent, text=CSV):
    return preview_contact_import(account=account, file_name="people.csv", data=text.encode(), actor=Actor(user=agent))


def test_preview_shows_each_rows_errors_and_writes_no_contact(account, agent):
    create_group(account=account, name="VIP")

    contact_import = _preview(account, agent)

    assert (contact_import.status, contact_import.total_rows, contact_import.file_name) == ("preview", 6, "people.csv")
    rows = {row.number: row.errors for row in preview_rows(contact_import)}
    assert rows == {
        2: [],
        4: ["not-an-address is not a valid email address."],
        5: ["Give a name or an email address."],
        6: ["There is no group Nope."],
        7: [],
        8: [],
    }
    assert Contact.objects.count() == 0


def test_import_creates_updates_by_email_and_reports_failed_rows(account, agent, django_capture_on_commit_callbacks):
    vip = create_group(account=account, name="VIP")
    create_contact(account=account, name="Old Dora", email="dora@example.com")
    other = create_contact(account=account, name="Phone Owner")
    ContactIdentity.objects.create(account=account, contact=other, kind="phone", value="+999")
    contact_import = _preview(account, agent)

    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once (HELPLINE_TASKS_IMMEDIATE)
        start_contact_import(contact_import=contact_import, actor=Actor(user=agent))

    contact_import.refresh_from_db()
    assert (contact_import.status, contact_import.created_count, contact_import.updated_count) == ("done", 1, 1)
    assert contact_import.errors == [
        {"row": 4, "message": "not-an-address is not a valid email address."},
        {"row": 5, "message": "Give a name or an email address."},
        {"row": 6, "message": "There is no group Nope."},
        {"row": 8, "message": "The phone number +999 belongs to another contact."},
    ]
    ann = Contact.objects.get(primary_email="ann@example.com")
    assert ann.name == "Ann Again"  # row 7 has the same address (any case): it updated row 2's contact
    assert (ann.company.name, list(ann.groups.all())) == ("Acme", [vip])
    assert list(ann.identities.filter(kind="phone").values_list("value", flat=True)) == ["+111"]
    assert Company.objects.filter(account=account).count() == 1
    dora = Contact.objects.get(primary_email="dora@example.com")
    assert dora.name == "Old Dora"  # its row failed: untouched
    assert not Contact.objects.filter(primary_email="carl@example.com").exists()
    assert AuditEntry.objects.filter(action="contact_import.started", subject_id=contact_import.public_id).count() == 1


def test_run_is_idempotent(account, agent, django_capture_on_commit_callbacks):
    contact_import = _preview(account, agent, "email\nx@example.com\n")
    with django_capture_on_commit_callbacks(execute=True):
        start_contact_import(contact_import=contact_import, actor=Actor(user=agent))

    assert run_contact_import(import_id=contact_import.pk) is None
    with pytest.raises(DomainError, match="started already"):
        start_contact_import(contact_import=contact_import, actor=Actor(user=agent))
    assert Contact.objects.count() == 1
    assert ContactImport.objects.get().created_count == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"first,last\nA,B\n", "The first row must name the columns, with at least 'name' or 'email'."),
        (b"name,email\n", "The file has no rows below its header."),
        (b"\x89PNG\x00\x00", "This is not a CSV file (it holds binary data)."),
        (b"x" * (csv_io.MAX_BYTES + 1), "The file is larger than 5 MB."),
    ],
)
def test_files_that_cannot_be_imported(account, agent, data, message):
    with pytest.raises(DomainError) as caught:
        preview_contact_import(account=account, file_name="f.csv", data=data, actor=Actor(user=agent))
    assert str(caught.value.message) == message
    assert ContactImport.objects.count() == 0


def test_semicolons_and_a_byte_order_mark_and_latin1():
    text = csv_io.decode("\ufeffname;email\nJosé;jose@example.com\n".encode())
    assert [(r.name, r.email) for r in csv_io.read_rows(text)] == [("José", "jose@example.com")]
    assert csv_io.decode("name\nJosé\n".encode("cp1252")) == "name\nJosé\n"


def test_export_cells_never_run_as_formulas():
    lines = list(csv_io.write_rows([("id", "=HYPERLINK(1)", "a@b.c", "+44 (20) 7946-0018", "-x", "@y", "2026")]))
    assert lines == [
        "\ufeffid,name,email,phone,company,groups,created_at\r\n",
        "id,'=HYPERLINK(1),a@b.c,+44 (20) 7946-0018,'-x,'@y,2026\r\n",
    ]
