"""The rule schema: what ``Rule.conditions`` and ``Rule.actions`` hold, and the one validator both the settings
screen and the API use. Validation normalises (strips, lower-cases operators' values where it matters) and checks
every reference (department, agent, answer, custom field …) exists in the rule's account.

conditions = {"match": "all" | "any", "groups": [{"match": "all" | "any", "conditions": [
    {"field": "ticket.subject", "op": "contains", "value": "invoice"}, …]}, …]}
An empty ``groups`` list matches every ticket.

actions = [{"type": "set_priority", "priority": "high"}, {"type": "add_tags", "tags": ["vip"]}, {"type": "stop"}]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.automation import fields as f
from helpline.automation.triggers import TRIGGERS
from helpline.conversations.statuses import PRIORITY_BY_NAME, SETTABLE_STATUSES
from helpline.core.errors import DomainError

MAX_GROUPS, MAX_CONDITIONS, MAX_ACTIONS = 20, 50, 20
MAX_TEXT, MAX_PATTERN, MAX_LIST = 1000, 300, 100
MAX_REPLY = 20_000


class RuleInvalid(DomainError):
    """A rule that cannot be saved; ``field`` is where (``conditions.groups.0.conditions.1.value``)."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ActionKind:
    key: str
    label: str
    params: tuple[str, ...] = ()  # see _PARAM_CHECKS
    available: bool = True
    optional: tuple[str, ...] = ()


_DEPT, _ANSWER = ("department",), ("answer", "text")

ACTIONS: dict[str, ActionKind] = {
    a.key: a
    for a in [
        ActionKind("assign", gettext_lazy("Assign to an agent"), ("agent",)),
        ActionKind("unassign", gettext_lazy("Unassign")),
        ActionKind("assign_round_robin", gettext_lazy("Assign by round robin"), _DEPT, optional=_DEPT),
        ActionKind("assign_least_load", gettext_lazy("Assign to the least loaded agent"), _DEPT, optional=_DEPT),
        ActionKind("transfer", gettext_lazy("Transfer to a department"), ("department",)),
        ActionKind("set_status", gettext_lazy("Set status"), ("status",)),
        ActionKind("set_priority", gettext_lazy("Set priority"), ("priority",)),
        ActionKind("add_tags", gettext_lazy("Add tags"), ("tags",)),
        ActionKind("remove_tags", gettext_lazy("Remove tags"), ("tags",)),
        ActionKind("set_custom_field", gettext_lazy("Set a custom field"), ("field", "value")),
        ActionKind("send_reply", gettext_lazy("Reply to the customer"), _ANSWER, optional=_ANSWER),
        ActionKind("send_email", gettext_lazy("Send an email"), ("to", *_ANSWER), optional=_ANSWER),
        ActionKind("add_note", gettext_lazy("Add an internal note"), ("text",)),
        ActionKind("forward", gettext_lazy("Forward the message"), ("to", "text"), optional=("text",)),
        ActionKind("mark_spam", gettext_lazy("Mark as spam")),
        ActionKind("delete", gettext_lazy("Delete the ticket")),
        ActionKind("stop", gettext_lazy("Stop processing further rules")),
        ActionKind("set_sla_level", gettext_lazy("Set SLA level"), ("sla_level",)),
        ActionKind("notify_slack", gettext_lazy("Notify Slack"), ("slack", "text"), optional=("text",)),
        ActionKind("call_webhook", gettext_lazy("Call a webhook"), ("webhook",)),
    ]
}  # fmt: skip


def _text(value, where: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RuleInvalid(where, _("Must be a string."))
    if "\x00" in value:
        raise RuleInvalid(where, _("Contains a NUL character, which is not allowed."))
    value = value.strip()
    if required and not value:
        raise RuleInvalid(where, _("This field is required."))
    if len(value) > limit:
        raise RuleInvalid(where, _("Use at most %(n)d characters.") % {"n": limit})
    return value


def _text_list(value, where: str, *, emails: bool = False) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\n]+", value)]
    if not isinstance(value, list):
        raise RuleInvalid(where, _("Must be a list."))
    items = []
    for index, item in enumerate(value):
        item = _text(item, f"{where}.{index}", limit=320 if emails else 64, required=False)
        if not item:
            continue
        if emails:
            item = item.lower()
            try:
                validate_email(item)
            except ValidationError as exc:
                raise RuleInvalid(f"{where}.{index}", _("Enter a valid email address.")) from exc
        if item.lower() not in {i.lower() for i in items}:
            items.append(item)
    if not items:
        raise RuleInvalid(where, _("Give at least one value."))
    if len(items) > MAX_LIST:
        raise RuleInvalid(where, _("Give at most %(n)d items.") % {"n": MAX_LIST})
    return items


class _References:
    """Checks that referenced objects exist in the account, one query per kind of reference."""

    def __init__(self, account):
        self.account = account
        self._cache: dict[str, set[str]] = {}

    def _ids(self, kind: str) -> set[str]:
        if kind not in self._cache:
            self._cache[kind] = set(self._query(kind))
        return self._cache[kind]

    def _query(self, kind: str):
        from helpline.channels.email.models import Mailbox
        from helpline.replies.models import PredefinedAnswer
        from helpline.tenancy.models import Brand, Department, Membership

        account = self.account
        if kind == f.DEPARTMENT:
            return Department.objects.filter(account=account).values_list("public_id", flat=True)
        if kind == f.AGENT:
            members = Membership.objects.filter(account=account, is_active=True)
            return members.values_list("user__public_id", flat=True)
        if kind == f.BRAND:
            return Brand.objects.filter(account=account).values_list("public_id", flat=True)
        if kind == f.MAILBOX:
            return Mailbox.objects.filter(account=account).values_list("public_id", flat=True)
        if kind == "answer":
            return PredefinedAnswer.objects.filter(account=account).values_list("public_id", flat=True)
        if kind == "webhook":
            from helpline.webhooks.models import Webhook

            return Webhook.objects.filter(account=account, kind=Webhook.JSON).values_list("public_id", flat=True)
        if kind == "slack":
            from helpline.webhooks.models import Webhook

            return Webhook.objects.filter(account=account, kind=Webhook.SLACK).values_list("public_id", flat=True)
        if kind == "sla_level":
            from helpline.sla.models import SlaLevel

            return [*SlaLevel.objects.filter(account=account).values_list("public_id", flat=True), "none"]
        return []

    def check(self, kind: str, value: str, where: str) -> str:
        if value not in self._ids(kind):
            messages = {
                f.DEPARTMENT: _("No such department."),
                f.AGENT: _("No such agent in this account."),
                f.BRAND: _("No such brand."),
                f.MAILBOX: _("No such mailbox."),
                "answer": _("No such predefined answer."),
                "webhook": _("No such webhook (a signed JSON one; Slack ones take the action “Notify Slack”)."),
                "slack": _("No such Slack webhook."),
                "sla_level": _("No such SLA level."),
            }
            raise RuleInvalid(where, messages[kind])
        return value


_STATIC_CHOICES = {
    f.STATUS: lambda: [str(s) for s in SETTABLE_STATUSES] + ["chatting", "calling"],
    f.PRIORITY: lambda: list(PRIORITY_BY_NAME),
    f.MESSAGE_KIND: lambda: ["email", "chat", "call", "form", "social", "note", "system", "web"],
}
_REFERENCES = {f.DEPARTMENT, f.AGENT, f.BRAND, f.MAILBOX}


def _condition_value(field_key: str, ftype: str, op: str, value, where: str, refs: _References):
    if op in f.NO_VALUE:
        return None
    if ftype == f.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(str(value).strip())
            except (TypeError, ValueError) as exc:
                raise RuleInvalid(where, _("Must be a number.")) from exc
        return value
    source = f.FIELDS[field_key].choices if field_key in f.FIELDS else ""
    values = (
        _text_list(value, where)
        if op in f.LIST_VALUE
        else [_text(value, where, limit=MAX_PATTERN if op == "matches" else MAX_TEXT)]
    )
    if op == "matches":
        try:
            re.compile(values[0])
        except re.error as exc:
            raise RuleInvalid(where, _("Not a valid regular expression: %(error)s.") % {"error": exc}) from exc
    if ftype == f.CHOICE and source in _STATIC_CHOICES:
        allowed = _STATIC_CHOICES[source]()
        for index, item in enumerate(values):
            if item.lower() not in allowed:
                raise RuleInvalid(
                    where if op not in f.LIST_VALUE else f"{where}.{index}",
                    _("Must be one of: %(choices)s.") % {"choices": ", ".join(allowed)},
                )
        values = [v.lower() for v in values]
    if ftype == f.CHOICE and source in _REFERENCES:
        values = [refs.check(source, v, where) for v in values]
    return values if op in f.LIST_VALUE else values[0]  # fmt: skip


def _match(value, where: str) -> str:
    value = "all" if value is None else value
    if value not in ("all", "any"):
        raise RuleInvalid(where, _("Must be one of: %(choices)s.") % {"choices": "all, any"})
    return value


def validate_conditions(account, conditions, *, refs: _References | None = None, custom_kinds=None) -> dict:
    refs = refs or _References(account)
    if conditions in (None, {}, []):
        return {"match": "all", "groups": []}
    if not isinstance(conditions, dict):
        raise RuleInvalid("conditions", _("Must be an object."))
    unknown = set(conditions) - {"match", "groups"}
    if unknown:
        raise RuleInvalid(f"conditions.{sorted(unknown)[0]}", _("Unknown field."))
    groups = conditions.get("groups") or []
    if not isinstance(groups, list):
        raise RuleInvalid("conditions.groups", _("Must be a list."))
    if len(groups) > MAX_GROUPS:
        raise RuleInvalid("conditions.groups", _("Give at most %(n)d items.") % {"n": MAX_GROUPS})
    custom_kinds = custom_kinds if custom_kinds is not None else f.custom_kinds_of(account)
    out = []
    for g, group in enumerate(groups):
        where = f"conditions.groups.{g}"
        if not isinstance(group, dict):
            raise RuleInvalid(where, _("Must be an object."))
        items = group.get("conditions") or []
        if not isinstance(items, list):
            raise RuleInvalid(f"{where}.conditions", _("Must be a list."))
        if len(items) > MAX_CONDITIONS:
            raise RuleInvalid(f"{where}.conditions", _("Give at most %(n)d items.") % {"n": MAX_CONDITIONS})
        checked = []
        for c, item in enumerate(items):
            at = f"{where}.conditions.{c}"
            if not isinstance(item, dict):
                raise RuleInvalid(at, _("Must be an object."))
            key = item.get("field")
            ftype = f.field_type(key, custom_kinds) if isinstance(key, str) else None
            if ftype is None:
                raise RuleInvalid(f"{at}.field", _("Unknown field %(field)s.") % {"field": key})
            op = item.get("op")
            if op not in f.OPERATORS_OF_TYPE[ftype]:
                raise RuleInvalid(
                    f"{at}.op",
                    _("Must be one of: %(choices)s.") % {"choices": ", ".join(f.OPERATORS_OF_TYPE[ftype])},
                )
            value = _condition_value(key, ftype, op, item.get("value"), f"{at}.value", refs)
            checked.append({"field": key, "op": op, **({} if op in f.NO_VALUE else {"value": value})})
        if checked:
            out.append({"match": _match(group.get("match"), f"{where}.match"), "conditions": checked})
    return {"match": _match(conditions.get("match"), "conditions.match"), "groups": out}


def _action_params(account, kind: ActionKind, item: dict, where: str, refs: _References) -> dict:
    from helpline.conversations.models import CustomField

    out: dict = {"type": kind.key}
    for name in kind.params:
        value = item.get(name)
        at = f"{where}.{name}"
        if name in kind.optional and value in (None, "", []):
            continue
        if name in ("agent", "department") or name in ("answer", "webhook", "sla_level", "slack"):
            out[name] = refs.check(name, _text(value, at, limit=16), at)
        elif name == "status":
            if value not in SETTABLE_STATUSES:
                raise RuleInvalid(at, _("Must be one of: %(choices)s.") % {"choices": ", ".join(SETTABLE_STATUSES)})
            out[name] = str(value)
        elif name == "priority":
            if value not in PRIORITY_BY_NAME:
                raise RuleInvalid(at, _("Must be one of: %(choices)s.") % {"choices": ", ".join(PRIORITY_BY_NAME)})
            out[name] = value
        elif name == "tags":
            out[name] = _text_list(value, at)
        elif name == "to":
            out[name] = _text_list(value, at, emails=True)
        elif name == "text":
            out[name] = _text(value, at, limit=MAX_REPLY)
        elif name == "field":
            key = _text(value, at, limit=64)
            if not CustomField.objects.filter(account=account, applies_to=CustomField.TICKET, key=key).exists():
                raise RuleInvalid(at, _("No such ticket custom field."))
            out[name] = key
        elif name == "value":
            if value is not None and not isinstance(value, str | int | float | bool):
                raise RuleInvalid(at, _("Must be a string, a number or true/false."))
            out[name] = value.strip()[:2000] if isinstance(value, str) else value
    if kind.key in ("send_reply", "send_email") and not (out.get("answer") or out.get("text")):
        raise RuleInvalid(f"{where}.text", _("Write the text or choose a predefined answer."))
    return out


def validate_actions(account, actions, *, refs: _References | None = None) -> list[dict]:
    refs = refs or _References(account)
    if not isinstance(actions, list):
        raise RuleInvalid("actions", _("Must be a list."))
    if not actions:
        raise RuleInvalid("actions", _("Add at least one action."))
    if len(actions) > MAX_ACTIONS:
        raise RuleInvalid("actions", _("Give at most %(n)d items.") % {"n": MAX_ACTIONS})
    out = []
    for index, item in enumerate(actions):
        where = f"actions.{index}"
        if not isinstance(item, dict):
            raise RuleInvalid(where, _("Must be an object."))
        kind = ACTIONS.get(item.get("type"))
        if kind is None:
            raise RuleInvalid(f"{where}.type", _("Unknown action %(type)s.") % {"type": item.get("type")})
        if not kind.available:
            raise RuleInvalid(
                f"{where}.type", _("The action “%(action)s” is not available yet.") % {"action": kind.label}
            )
        unknown = set(item) - {"type", *kind.params}
        if unknown:
            raise RuleInvalid(f"{where}.{sorted(unknown)[0]}", _("Unknown field."))
        out.append(_action_params(account, kind, item, where, refs))
    return out


def validate_trigger(trigger) -> str:
    found = TRIGGERS.get(trigger) if isinstance(trigger, str) else None
    if found is None:
        raise RuleInvalid("trigger", _("Must be one of: %(choices)s.") % {"choices": ", ".join(TRIGGERS)})
    if not found.available:
        raise RuleInvalid("trigger", _("The trigger “%(trigger)s” is not available yet.") % {"trigger": found.label})
    return trigger


def validate_rule(account, *, name, trigger, conditions, actions) -> dict:
    """The rule's fields, checked and normalised; raises RuleInvalid naming the first problem."""
    refs = _References(account)
    return {
        "name": _text(name, "name", limit=200),
        "trigger": validate_trigger(trigger),
        "conditions": validate_conditions(account, conditions, refs=refs),
        "actions": validate_actions(account, actions, refs=refs),
    }
