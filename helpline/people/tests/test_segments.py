"""Contact groups as segments: members by hand plus a rule on any field, evaluated as one query."""

from __future__ import annotations

import pytest

from helpline.conversations.models import CustomField, CustomFieldValue
from helpline.core.errors import DomainError
from helpline.people.actions import create_company, create_contact, create_group, set_group_members, update_contact
from helpline.people.segments import clean_rule, segment_contacts
from helpline.people.selectors import groups_of


@pytest.fixture
def people(account):
    acme = create_company(account=account, name="Acme Corp")
    ann = create_contact(account=account, name="Ann", email="ann@acme.example")
    update_contact(contact=ann, company=acme)
    bob = create_contact(account=account, name="Bob", email="bob@other.example")
    cy = create_contact(account=account, name="Cy Acme", email="cy@gmail.example")
    plan = CustomField.objects.create(account=account, key="plan", label="Plan", applies_to="contact")
    CustomFieldValue.objects.create(account=account, field=plan, contact=bob, value="gold")
    CustomFieldValue.objects.create(account=account, field=plan, contact=cy, value="silver")
    return {"ann": ann, "bob": bob, "cy": cy}


def _names(group):
    return sorted(segment_contacts(group).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("conditions", "match", "expected"),
    [
        ([{"field": "email_domain", "op": "is", "value": "@acme.example"}], "all", ["Ann"]),
        ([{"field": "email", "op": "contains", "value": "OTHER"}], "all", ["Bob"]),
        ([{"field": "company", "op": "contains", "value": "acme"}], "all", ["Ann"]),
        ([{"field": "company", "op": "is_not", "value": "Acme Corp"}], "all", ["Bob", "Cy Acme"]),
        ([{"field": "name", "op": "contains", "value": "acme"}], "all", ["Cy Acme"]),
        ([{"field": "field:plan", "op": "is", "value": "gold"}], "all", ["Bob"]),
        ([{"field": "field:plan", "op": "contains", "value": "ILV"}], "all", ["Cy Acme"]),
        (
            [
                {"field": "field:plan", "op": "is", "value": "gold"},
                {"field": "email_domain", "op": "is", "value": "acme.example"},
            ],
            "any",
            ["Ann", "Bob"],
        ),
        (
            [
                {"field": "name", "op": "contains", "value": "y"},
                {"field": "field:plan", "op": "is_not", "value": "gold"},
            ],
            "all",
            ["Cy Acme"],
        ),
    ],
)
def test_rules(account, people, conditions, match, expected):
    group = create_group(account=account, name="Segment", rule={"match": match, "conditions": conditions})
    assert _names(group) == expected


def test_members_by_hand_and_by_rule(account, people, django_assert_num_queries):
    group = create_group(
        account=account, name="Acme", rule={"conditions": [{"field": "email_domain", "value": "acme.example"}]}
    )
    set_group_members(group=group, add=[people["bob"]])
    by_hand = create_group(account=account, name="By hand")
    set_group_members(group=by_hand, add=[people["ann"]])

    assert _names(group) == ["Ann", "Bob"]
    with django_assert_num_queries(3):  # the groups, the hand-picked ones, one aggregate for every rule
        assert [(g.name, hand) for g, hand in groups_of(people["ann"])] == [("Acme", False), ("By hand", True)]
    assert [(g.name, hand) for g, hand in groups_of(people["cy"])] == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"conditions": [{"field": "shoe_size", "op": "is", "value": "9"}]}, "Unknown field shoe_size in the rule."),
        ({"conditions": [{"field": "name", "op": "like", "value": "x"}]}, "Unknown operator like in the rule."),
        ({"conditions": [{"field": "name", "op": "is", "value": " "}]}, "Give each condition a value"),
        ({"match": "some", "conditions": [{"field": "name", "value": "x"}]}, "A rule matches 'all' or 'any'"),
        ({"conditions": "name=x"}, "A rule has a list of conditions."),
    ],
)
def test_bad_rules_are_refused(account, rule, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(")):
        create_group(account=account, name="Bad", rule=rule)
    assert clean_rule({"conditions": []}) == {}
