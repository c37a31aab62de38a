"""Contact groups as segments: a rule by any field, evaluated as one query.

A rule is ``{"match": "all"|"any", "conditions": [{"field", "op", "value"}, …]}``. Fields: ``name``,
``email`` (any of the contact's addresses), ``email_domain``, ``phone``, ``company`` (its name),
``field:<key>`` (a contact custom field). Operators: ``is``, ``is_not``, ``contains``.
A group's members are the contacts added by hand plus every contact the rule matches.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.core.errors import DomainError
from helpline.people.models import Contact, ContactGroup, ContactIdentity

FIELDS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email address"),
    "email_domain": gettext_lazy("Email domain"),
    "phone": gettext_lazy("Phone"),
    "company": gettext_lazy("Company"),
}
CUSTOM_PREFIX = "field:"
OPERATORS = {"is": gettext_lazy("is"), "is_not": gettext_lazy("is not"), "contains": gettext_lazy("contains")}
MAX_CONDITIONS = 20


def clean_rule(rule: dict | None) -> dict:
    """The rule in its stored form, or a DomainError naming the first problem. An empty rule is {}."""
    if not rule:
        return {}
    if not isinstance(rule, dict) or not isinstance(rule.get("conditions"), list):
        raise DomainError(_("A rule has a list of conditions."))
    if not rule["conditions"]:
        return {}
    match = rule.get("match", "all")
    if match not in ("all", "any"):
        raise DomainError(_("A rule matches 'all' or 'any' of its conditions."))
    if len(rule["conditions"]) > MAX_CONDITIONS:
        raise DomainError(_("A rule can have at most %(n)d conditions.") % {"n": MAX_CONDITIONS})
    conditions = []
    for condition in rule["conditions"]:
        if not isinstance(condition, dict):
            raise DomainError(_("Each condition has a field, an operator and a value."))
        field, op, value = condition.get("field"), condition.get("op", "is"), condition.get("value")
        custom_key = field[len(CUSTOM_PREFIX) :] if isinstance(field, str) and field.startswith(CUSTOM_PREFIX) else ""
        if field not in FIELDS and not custom_key:
            raise DomainError(_("Unknown field %(field)s in the rule.") % {"field": field})
        if op not in OPERATORS:
            raise DomainError(_("Unknown operator %(op)s in the rule.") % {"op": op})
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise DomainError(_("Give each condition a value (at most 200 characters)."))
        conditions.append({"field": field, "op": op, "value": value.strip()})
    return {"match": match, "conditions": conditions}


def _text(lookup: str, op: str, value: str) -> Q:
    return Q(**{f"{lookup}__{'icontains' if op == 'contains' else 'iexact'}": value})


def _identity(kind: str, q: Q) -> Exists:
    return Exists(ContactIdentity.objects.filter(q, contact=OuterRef("pk"), kind=kind))


def _custom(key: str, op: str, value: str) -> Exists:
    from helpline.conversations.models import CustomField, CustomFieldValue

    values = CustomFieldValue.objects.filter(
        contact=OuterRef("pk"), field__key=key, field__applies_to=CustomField.CONTACT
    ).annotate(as_text=Cast("value", TextField()))
    if op == "contains":
        return Exists(values.filter(as_text__icontains=value))
    return Exists(values.filter(Q(value=value) | Q(as_text__iexact=value)))


def condition_q(field: str, op: str, value: str) -> Q:
    if field == "name":
        q = _text("name", op, value)
    elif field == "email":
        q = Q(_identity(ContactIdentity.EMAIL, _text("value", op, value)))
    elif field == "email_domain":
        domain = value.lower().removeprefix("@")
        lookup = Q(value__icontains=domain) if op == "contains" else Q(value__iendswith=f"@{domain}")
        q = Q(_identity(ContactIdentity.EMAIL, lookup))
    elif field == "phone":
        q = Q(_identity(ContactIdentity.PHONE, _text("value", op, value)))
    elif field == "company":
        q = _text("company__name", op, value)
    else:
        q = Q(_custom(field[len(CUSTOM_PREFIX) :], op, value))
    return ~q if op == "is_not" else q


def rule_q(rule: dict) -> Q | None:
    """The rule as a filter on Contact; None for a group without a rule."""
    rule = clean_rule(rule)
    if not rule:
        return None
    combined = Q() if rule["match"] == "all" else Q(pk__in=[])
    for c in rule["conditions"]:
        q = condition_q(c["field"], c["op"], c["value"])
        combined = combined & q if rule["match"] == "all" else combined | q
    return combined


def members_q(group: ContactGroup) -> Q:
    by_hand = Q(Exists(ContactGroup.contacts.through.objects.filter(contactgroup_id=group.pk, contact=OuterRef("pk"))))
    matched = rule_q(group.rule)
    return by_hand | matched if matched is not None else by_hand


def segment_contacts(group: ContactGroup):
    """Every member of the group, static and by rule, as a queryset of the account's contacts."""
    return Contact.objects.filter(members_q(group), account_id=group.account_id)
