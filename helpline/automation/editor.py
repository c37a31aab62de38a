"""What the rule editor needs: the catalogue of triggers, fields, operators, actions and the account's choices
(as JSON for the editor's script), readable labels for stored values, and where a validation error points."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from helpline.automation import fields as f
from helpline.automation.schema import ACTIONS
from helpline.automation.triggers import TRIGGERS
from helpline.conversations.statuses import PRIORITY_NAMES, SETTABLE_STATUSES, MessageKind, Priority, Status


def _pairs(queryset, value: str, label: str) -> list[list[str]]:
    return [list(row) for row in queryset.values_list(value, label)]


def _account_choices(account) -> dict[str, list[list[str]]]:
    from helpline.channels.email.models import Mailbox
    from helpline.channels.registry import registry
    from helpline.conversations.models import CustomField, Tag
    from helpline.replies.models import PredefinedAnswer
    from helpline.sla.models import SlaLevel
    from helpline.tenancy.models import Brand
    from helpline.tenancy.selectors import list_agent_choices, list_department_choices
    from helpline.webhooks.models import Webhook

    return {
        f.STATUS: [[s.value, str(s.label)] for s in Status],
        "settable_status": [[s, str(Status(s).label)] for s in SETTABLE_STATUSES],
        f.PRIORITY: [[PRIORITY_NAMES[p.value], str(p.label)] for p in Priority],
        f.CHANNEL: [[kind, str(label)] for kind, label in registry.kinds()],
        f.MESSAGE_KIND: [[k.value, str(k.label)] for k in MessageKind],
        f.DEPARTMENT: [list(row) for row in list_department_choices(account)],
        f.AGENT: [list(row) for row in list_agent_choices(account)],
        f.BRAND: [list(row) for row in Brand.objects.filter(account=account).values_list("public_id", "name")],
        f.MAILBOX: [list(row) for row in Mailbox.objects.filter(account=account).values_list("public_id", "address")],
        f.TAG: [[name, name] for name in Tag.objects.filter(account=account).values_list("name", flat=True)[:500]],
        "answer": _pairs(PredefinedAnswer.objects.filter(account=account), "public_id", "name"),
        "webhook": _pairs(Webhook.objects.filter(account=account, kind=Webhook.JSON), "public_id", "name"),
        "slack": _pairs(Webhook.objects.filter(account=account, kind=Webhook.SLACK), "public_id", "name"),
        "ticket_field": _pairs(CustomField.objects.filter(account=account, applies_to="ticket"), "key", "label"),
        "sla_level": [["none", _("No SLA level")],
                      *_pairs(SlaLevel.objects.filter(account=account), "public_id", "name")],
    }  # fmt: skip


def _custom_fields(account) -> list[dict]:
    from helpline.conversations.models import CustomField

    rows = []
    for field in CustomField.objects.filter(account=account).order_by("applies_to", "label"):
        prefix, label = (
            (f.TICKET_FIELD, _("Ticket field"))
            if field.applies_to == "ticket"
            else (f.CONTACT_FIELD, _("Contact field"))
        )
        rows.append({"key": prefix + field.key, "label": f"{label}: {field.label}",
                     "type": f.CUSTOM_KIND_TYPES.get(field.kind, f.TEXT),
                     "options": [[c, c] for c in field.choices] if field.kind == "dropdown" else None})  # fmt: skip
    return rows


def catalog(account) -> dict:
    choices = _account_choices(account)
    fields = [
        {
            "key": fd.key,
            "label": str(fd.label),
            "type": fd.type,
            "options": choices.get(fd.choices) if fd.choices else None,
        }
        for fd in f.FIELDS.values()
    ]
    return {
        "triggers": [{"key": t.key, "label": str(t.label), "available": t.available} for t in TRIGGERS.values()],
        "fields": fields + _custom_fields(account),
        "operators": {ftype: [[op, str(f.OPERATORS[op])] for op in ops] for ftype, ops in f.OPERATORS_OF_TYPE.items()},
        "noValue": sorted(f.NO_VALUE),
        "listValue": sorted(f.LIST_VALUE),
        "actions": [
            {
                "key": a.key,
                "label": str(a.label),
                "available": a.available,
                "params": list(a.params),
                "optional": list(a.optional),
            }
            for a in ACTIONS.values()
        ],  # fmt: skip
        "choices": choices,
    }


def choice_labels(account) -> dict[str, dict[str, str]]:
    """{choice list: {value: label}} to show stored values (public ids, status keys) by name."""
    return {name: {value: label for value, label in rows} for name, rows in _account_choices(account).items()}


def describe_field(condition: dict, labels: dict) -> dict:
    """Readable field, operator, expected and actual values of one explained condition."""
    field = f.FIELDS.get(condition["field"])
    names = labels.get(field.choices, {}) if field and field.choices else {}

    def show(value):
        if isinstance(value, list | tuple):
            return ", ".join(show(v) for v in value)
        if value is None or value == "":
            return "—"
        return names.get(value, str(value))

    return {
        "field_label": str(field.label) if field else condition["field"],
        "op_label": str(f.OPERATORS.get(condition["op"], condition["op"])),
        "value_label": "" if condition["op"] in f.NO_VALUE else show(condition.get("value")),
        "actual_label": show(condition.get("actual")),
    }


def where_label(field: str) -> str:
    """'Action 2' for ``actions.1.agent``, 'Group 1, condition 3' for ``conditions.groups.0.conditions.2.value``."""
    match = re.match(r"conditions\.groups\.(\d+)(?:\.conditions\.(\d+))?", field)
    if match and match.group(2) is not None:
        return _("Group %(group)d, condition %(n)d") % {"group": int(match.group(1)) + 1, "n": int(match.group(2)) + 1}
    if match:
        return _("Group %(group)d") % {"group": int(match.group(1)) + 1}
    match = re.match(r"actions\.(\d+)", field)
    if match:
        return _("Action %(n)d") % {"n": int(match.group(1)) + 1}
    return {"name": _("Name"), "trigger": _("Trigger"), "actions": _("Actions"), "conditions": _("Conditions")}.get(
        field, ""
    )
