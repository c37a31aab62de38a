"""Placeholders: exact output, HTML escaping, missing values, unknown names."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import set_custom_field
from helpline.conversations.models import CustomField
from helpline.replies.placeholders import (
    known_names,
    names_in,
    render_html,
    render_text,
    unknown_placeholders,
    values_for,
)


@pytest.fixture
def plan_field(account):
    return CustomField.objects.create(account=account, key="plan", label="Plan", kind="text", applies_to="ticket")


def test_every_built_in_placeholder_is_filled_in(ticket, agent, plan_field):
    set_custom_field(ticket=ticket, field=plan_field, value="Gold")
    text = (
        "Hi {{ contact.name }} ({{contact.email}}), {{ agent.name }} here about [#{{ ticket.code }}] "
        "{{ ticket.subject }} on the {{ ticket.fields.plan }} plan."
    )
    rendered = render_text(text, values_for(ticket=ticket, agent=agent), known=known_names(ticket.account))

    assert rendered == (
        f"Hi Carla Customer (customer@example.com), Alice Agent here about [#{ticket.code}] "
        "Printer on fire on the Gold plan."
    )


def test_the_agent_alias_is_what_customers_see(ticket, agent):
    agent.alias = "Alice from Support"
    agent.save()
    assert values_for(ticket=ticket, agent=agent)["agent.name"] == "Alice from Support"


def test_a_known_placeholder_without_a_value_becomes_empty_and_an_unknown_one_stays(ticket, agent, plan_field):
    contact = ticket.contact
    contact.name = ""
    contact.save()
    values = values_for(ticket=ticket, agent=agent)
    known = known_names(ticket.account)

    assert render_text("Hi {{ contact.name }}, plan: {{ ticket.fields.plan }}.", values, known=known) == "Hi , plan: ."
    assert render_text("{{ contact.phone }} {{ ticket.fields.nope }}", values, known=known) == (
        "{{ contact.phone }} {{ ticket.fields.nope }}"
    )


def test_values_are_never_evaluated_as_templates(ticket, agent):
    contact = ticket.contact
    contact.name = "{{ agent.name }} {% debug %}"
    contact.save()
    values = values_for(ticket=ticket, agent=agent)

    assert render_text("Hi {{ contact.name }}", values) == "Hi {{ agent.name }} {% debug %}"


def test_html_context_escapes_values_and_sanitises(ticket, agent):
    contact = ticket.contact
    contact.name = '<img src=x onerror="alert(1)">Carla & co'
    contact.save()
    values = values_for(ticket=ticket, agent=agent)

    assert render_text("Hi {{ contact.name }}", values) == 'Hi <img src=x onerror="alert(1)">Carla & co'
    html = render_html("<p>Hi <b>{{ contact.name }}</b></p><script>x()</script>", values)
    assert html == '<p>Hi <b>&lt;img src=x onerror="alert(1)"&gt;Carla &amp; co</b></p>'


def test_checkbox_and_number_fields_read_naturally(ticket, agent, account):
    vip = CustomField.objects.create(account=account, key="vip", label="VIP", kind="checkbox", applies_to="ticket")
    units = CustomField.objects.create(account=account, key="units", label="Units", kind="number", applies_to="ticket")
    set_custom_field(ticket=ticket, field=vip, value=True)
    set_custom_field(ticket=ticket, field=units, value=3)
    values = values_for(ticket=ticket, agent=agent)

    assert (values["ticket.fields.vip"], values["ticket.fields.units"]) == ("yes", "3")


def test_unknown_placeholders_are_reported(account, plan_field):
    text = "{{ contact.name }} {{ contact.nmae }} {{ ticket.fields.plan }} {{ ticket.fields.size }} {{contact.nmae}}"
    assert names_in(text) == ["contact.name", "contact.nmae", "ticket.fields.plan", "ticket.fields.size"]
    assert unknown_placeholders(account, text) == ["contact.nmae", "ticket.fields.size"]
    assert unknown_placeholders(account, "no placeholders {{ }} {{ 1x }}") == []


def test_contact_custom_fields_are_not_ticket_fields(account):
    CustomField.objects.create(account=account, key="tier", label="Tier", kind="text", applies_to="contact")
    assert unknown_placeholders(account, "{{ ticket.fields.tier }}") == ["ticket.fields.tier"]
