"""The side panel's custom fields: shown with their values, saved by kind, refused with the reason."""

from __future__ import annotations

from helpline.conversations.actions import create_custom_field, set_contact_fields, set_ticket_fields
from helpline.conversations.custom_fields import values_by_key
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in


def _fields(account):
    create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="dropdown",
                        choices=["Gold", "Silver"])  # fmt: skip
    create_custom_field(account=account, applies_to="ticket", key="seats", label="Seats", kind="number")
    create_custom_field(account=account, applies_to="ticket", key="vip", label="VIP", kind="checkbox")
    create_custom_field(account=account, applies_to="contact", key="tier", label="Tier", kind="text")


def test_the_panel_shows_ticket_and_contact_fields_with_their_values(agent_client, account, ticket):
    _fields(account)
    set_ticket_fields(ticket=ticket, values={"plan": "Gold", "seats": 4, "vip": True})
    set_contact_fields(contact=ticket.contact, values={"tier": "Platinum"})
    response = agent_client.get(f"/agent/tickets/{ticket.public_id}/panel/")
    assert response.status_code == 200
    fields = response.context["custom_fields"]
    assert [(r.field.key, r.input_name, r.value) for r in fields["ticket"]] == [
        ("plan", "field.plan", "Gold"), ("seats", "field.seats", "4"), ("vip", "field.vip", "true"),
    ]  # fmt: skip
    assert [(r.field.key, r.value) for r in fields["contact"]] == [("tier", "Platinum")]
    page = response.content.decode()
    assert 'data-custom-fields="ticket"' in page and 'data-custom-fields="contact"' in page
    assert '<option value="Gold" selected>Gold</option>' in page


def test_saving_ticket_fields(agent_client, account, ticket, agent):
    _fields(account)
    url = f"/agent/tickets/{ticket.public_id}/fields/"
    response = agent_client.post(url, {"field.plan": "Silver", "field.seats": "12", "field.vip": "true"}, **HTMX)
    assert response.status_code == 200
    assert values_by_key(ticket=ticket) == {"plan": "Silver", "seats": 12, "vip": True}
    # an unticked checkbox and an emptied input clear their fields
    agent_client.post(url, {"field.plan": "Silver", "field.seats": ""}, **HTMX)
    assert values_by_key(ticket=ticket) == {"plan": "Silver"}
    rows = list(AuditEntry.objects.filter(action="ticket.custom_field_set").values_list("actor_user_id", "data"))
    assert rows[-2:] == [(agent.pk, {"field": "seats", "value": None}), (agent.pk, {"field": "vip", "value": None})]


def test_a_bad_value_is_refused_shown_again_and_nothing_changes(agent_client, account, ticket):
    _fields(account)
    set_ticket_fields(ticket=ticket, values={"plan": "Gold"})
    before = AuditEntry.objects.count()
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/fields/", {"field.plan": "Silver", "field.seats": "lots"}, **HTMX
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Seats: enter a number, such as 42 or 3.5." in page
    assert 'value="lots"' in page  # the agent's input stays for correction
    assert values_by_key(ticket=ticket) == {"plan": "Gold"}
    assert AuditEntry.objects.count() == before


def test_saving_contact_fields(agent_client, account, ticket, agent):
    _fields(account)
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/contact-fields/", {"field.tier": "Gold"})
    assert response.status_code == 302
    assert values_by_key(contact=ticket.contact) == {"tier": "Gold"}
    assert values_by_key(ticket=ticket) == {}
    entry = AuditEntry.objects.get(action="contact.custom_fields_set")
    assert (entry.actor_user_id, entry.subject_id, entry.data) == (agent.pk, ticket.contact.public_id,
                                                                   {"tier": [None, "Gold"]})  # fmt: skip


def test_another_accounts_ticket_is_not_found(account, other_account, make_ticket, ticket):
    _fields(account)
    theirs = make_ticket(other_account, email="them@example.com")
    create_custom_field(account=other_account, applies_to="ticket", key="plan", label="Plan", kind="text")
    client = signed_in(account.owner, account)
    assert client.post(f"/agent/tickets/{theirs.public_id}/fields/", {"field.plan": "x"}).status_code == 404
    assert client.post(f"/agent/tickets/{theirs.public_id}/contact-fields/", {"field.tier": "x"}).status_code == 404
    assert values_by_key(ticket=theirs) == {}
    assert values_by_key(contact=theirs.contact) == {}
