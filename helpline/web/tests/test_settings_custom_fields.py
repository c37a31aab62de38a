"""Settings → Custom fields: create, edit, delete, refusals that change nothing, and tenant isolation."""

from __future__ import annotations

from helpline.conversations.actions import create_custom_field
from helpline.conversations.models import CustomField
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in

URL = "/agent/settings/custom-fields/"


def test_the_page_lists_ticket_and_contact_fields(owner_client, account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Support plan", kind="text")
    create_custom_field(account=account, applies_to="contact", key="tier", label="Customer tier", kind="dropdown",
                        choices=["VIP"])  # fmt: skip
    response = owner_client.get(URL)
    assert response.status_code == 200
    groups = [(kind, [f.key for f in fields]) for kind, _heading, fields in response.context["groups"]]
    assert groups == [("ticket", ["plan"]), ("contact", ["tier"])]
    page = response.content.decode()
    assert "Support plan" in page and "Customer tier" in page


def test_create_edit_and_delete_a_field(owner_client, account, owner):
    response = owner_client.post(
        f"{URL}new/",
        {"applies_to": "ticket", "key": "plan", "label": "Plan", "kind": "dropdown", "choices": "Gold\r\nSilver"},
    )
    assert response.status_code == 302
    field = CustomField.objects.get(account=account)
    assert (field.key, field.label, field.kind, field.applies_to, field.choices) == (
        "plan", "Plan", "dropdown", "ticket", ["Gold", "Silver"],
    )  # fmt: skip
    response = owner_client.post(f"{URL}{field.public_id}/", {"label": "Support plan", "choices": "Gold\nBronze"})
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.choices) == ("Support plan", ["Gold", "Bronze"])
    response = owner_client.post(f"{URL}{field.public_id}/delete/")
    assert response.status_code == 302
    assert not CustomField.objects.filter(account=account).exists()
    actions = list(AuditEntry.objects.filter(subject_id=field.public_id).values_list("action", "actor_user_id"))
    assert actions == [
        ("custom_field.created", owner.pk), ("custom_field.updated", owner.pk), ("custom_field.deleted", owner.pk),
    ]  # fmt: skip


def test_bad_definitions_are_refused_with_the_reason(owner_client, account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    for values, status, message in [
        ({"key": "Bad Key"}, 400, "The key starts with a letter"),
        ({"kind": "dropdown", "choices": ""}, 400, "A dropdown needs at least one choice."),
        ({"key": "plan"}, 409, "A field with the key plan exists already."),
    ]:
        post = {"applies_to": "ticket", "key": "seats", "label": "Seats", "kind": "number", **values}
        response = owner_client.post(f"{URL}new/", post)
        assert response.status_code == status
        assert message in response.content.decode()
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == ["plan"]


def test_an_empty_label_changes_nothing(owner_client, account):
    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    response = owner_client.post(f"{URL}{field.public_id}/", {"label": " "})
    assert response.status_code == 400
    assert "A field needs a label." in response.content.decode()
    field.refresh_from_db()
    assert field.label == "Plan"


def test_agents_without_the_permission_get_403(agent_client, account):
    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(f"{URL}new/", {"applies_to": "ticket", "key": "x", "label": "X",
                                            "kind": "text"}).status_code == 403  # fmt: skip
    assert agent_client.post(f"{URL}{field.public_id}/delete/").status_code == 403
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == ["plan"]


def test_another_accounts_field_is_not_found(account, other_account):
    theirs = create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    client = signed_in(account.owner, account)
    assert client.post(f"{URL}{theirs.public_id}/", {"label": "Mine now"}).status_code == 404
    assert client.post(f"{URL}{theirs.public_id}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.label == "Plan"
    assert "Plan" not in [f.label for _k, _h, fields in client.get(URL).context["groups"] for f in fields]


def _ticket_fields(account):
    return [
        create_custom_field(account=account, applies_to="ticket", key=key, label=key.title(), kind="text")
        for key in ("plan", "seats", "region")
    ]


def _keys(response, applies_to="ticket"):
    return [[f.key for f in fields] for kind, _h, fields in response.context["groups"] if kind == applies_to][0]


def test_move_buttons_reorder_without_script_and_new_fields_go_last(owner_client, account, owner):
    plan, seats, region = _ticket_fields(account)
    page = owner_client.get(URL).content.decode()
    assert f'action="/agent/settings/custom-fields/{plan.public_id}/move/"' in page
    assert 'name="direction" value="up"' in page and 'aria-label="Move Region up"' in page

    assert owner_client.post(f"{URL}{region.public_id}/move/", {"direction": "up"}).status_code == 302
    assert owner_client.post(f"{URL}{plan.public_id}/move/", {"direction": "down"}).status_code == 302
    assert owner_client.post(f"{URL}{plan.public_id}/move/", {"direction": "sideways"}).status_code == 302

    assert _keys(owner_client.get(URL)) == ["region", "plan", "seats"]
    create_custom_field(account=account, applies_to="ticket", key="late", label="Late", kind="text")
    assert _keys(owner_client.get(URL)) == ["region", "plan", "seats", "late"]
    entries = AuditEntry.objects.filter(account=account, action="custom_field.reordered").order_by("id")
    assert [(e.actor_user_id, e.data["order"]) for e in entries] == [
        (owner.pk, ["plan", "region", "seats"]), (owner.pk, ["region", "plan", "seats"]),
    ]  # fmt: skip


def test_moving_the_first_field_up_changes_nothing(owner_client, account):
    plan, _seats, _region = _ticket_fields(account)
    assert owner_client.post(f"{URL}{plan.public_id}/move/", {"direction": "up"}).status_code == 302
    assert _keys(owner_client.get(URL)) == ["plan", "seats", "region"]
    assert not AuditEntry.objects.filter(action="custom_field.reordered").exists()


def test_the_side_panel_and_contact_page_follow_the_order(owner_client, account, ticket):
    from helpline.conversations.actions import reorder_custom_fields, set_contact_fields

    plan, seats, region = _ticket_fields(account)
    tier = create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="text")
    since = create_custom_field(account=account, applies_to="contact", key="since", label="Since", kind="text")
    set_contact_fields(contact=ticket.contact, values={"tier": "Gold", "since": "2019"})
    reorder_custom_fields(account=account, public_ids=[seats.public_id, region.public_id, plan.public_id])
    reorder_custom_fields(account=account, public_ids=[since.public_id, tier.public_id])

    panel = owner_client.get(f"/agent/tickets/{ticket.public_id}/panel/").context["custom_fields"]
    assert [r.field.key for r in panel["ticket"]] == ["seats", "region", "plan"]
    assert [r.field.key for r in panel["contact"]] == ["since", "tier"]
    contact_page = owner_client.get(f"/agent/contacts/{ticket.contact.public_id}/")
    assert contact_page.context["field_values"] == [("Since", "2019"), ("Tier", "Gold")]
    groups = owner_client.get("/agent/contacts/groups/")
    custom = [key for key, _label in groups.context["field_choices"] if key.startswith("field:")]
    assert custom == ["field:since", "field:tier"]


def test_agents_and_other_accounts_cannot_move_fields(agent_client, account, other_account):
    plan, _seats, _region = _ticket_fields(account)
    theirs = create_custom_field(account=other_account, applies_to="ticket", key="x", label="X", kind="text")
    theirs_too = create_custom_field(account=other_account, applies_to="ticket", key="y", label="Y", kind="text")

    assert agent_client.post(f"{URL}{plan.public_id}/move/", {"direction": "down"}).status_code == 403
    client = signed_in(account.owner, account)
    assert client.post(f"{URL}{theirs_too.public_id}/move/", {"direction": "up"}).status_code == 404
    keys = CustomField.objects.filter(account=other_account).values_list("key", flat=True)
    assert list(keys) == ["x", "y"]
    assert list(CustomField.objects.filter(account=account).values_list("key", flat=True)) == [
        "plan",
        "seats",
        "region",
    ]
    assert theirs.position == 1
    assert not AuditEntry.objects.filter(action="custom_field.reordered").exists()
