"""What a bulk job can do to each ticket: the action's arguments checked once, then one call per ticket.

Every per-ticket step calls the ordinary conversations action, so each ticket's audit trail and events are the
same as when an agent changes that ticket by hand. Status changes, the common bulk action, are written a chunk at a
time (helpline.bulk.actions.statuses) with the same per-ticket result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.conversations import actions as conversations
from helpline.conversations.models import Ticket
from helpline.conversations.statuses import PRIORITY_BY_NAME, Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.tenancy.selectors import get_agent, get_department

LIVE = (Status.CHATTING, Status.CALLING)
MAX_TAGS = 50


class InvalidParam(DomainError):
    """An argument of the action that is missing or names nothing in this account."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Operation:
    name: str
    label: object  # lazy, translated
    changes_status: bool = False


OPERATIONS = {
    op.name: op
    for op in (
        Operation("resolve", gettext_lazy("Resolve"), changes_status=True),
        Operation("postpone", gettext_lazy("Postpone"), changes_status=True),
        Operation("open", gettext_lazy("Reopen"), changes_status=True),
        Operation("spam", gettext_lazy("Mark as spam"), changes_status=True),
        Operation("delete", gettext_lazy("Delete"), changes_status=True),
        Operation("assign", gettext_lazy("Assign")),
        Operation("transfer", gettext_lazy("Transfer")),
        Operation("tag", gettext_lazy("Add tags")),
        Operation("untag", gettext_lazy("Remove tags")),
        Operation("priority", gettext_lazy("Set priority")),
        Operation("merge", gettext_lazy("Merge")),
    )
}
STATUS_OF = {
    "resolve": Status.RESOLVED,
    "postpone": Status.POSTPONED,
    "open": Status.OPEN,
    "spam": Status.SPAM,
    "delete": Status.DELETED,
}


def operation(name: str) -> Operation:
    if name not in OPERATIONS:
        raise InvalidParam("action", _("Unknown bulk action %(action)s.") % {"action": name})
    return OPERATIONS[name]


def _text(params: dict, key: str) -> str:
    value = params.get(key)
    return value.strip() if isinstance(value, str) else ""


def _tag_names(params: dict) -> list[str]:
    value = params.get("tags")
    names = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    names = [n.strip()[:64] for n in names if isinstance(n, str) and n.strip()]
    if not names:
        raise InvalidParam("tags", _("Name at least one tag."))
    if len(names) > MAX_TAGS:
        raise InvalidParam("tags", _("Give at most %(n)d tags.") % {"n": MAX_TAGS})
    return names


def prepare(account, name: str, params: dict) -> dict:
    """The action's arguments as objects of this account; InvalidParam names the field that is wrong."""
    operation(name)
    params = params if isinstance(params, dict) else {}
    if name == "assign":
        chosen = _text(params, "assignee")
        agent = get_agent(account, chosen) if chosen else None
        if chosen and agent is None:
            raise InvalidParam("assignee", _("No agent with id %(id)s in this account.") % {"id": chosen})
        return {"assignee": agent}
    if name == "transfer":
        chosen = _text(params, "department")
        department = get_department(account, chosen) if chosen else None
        if department is None:
            raise InvalidParam("department", _("Choose a department of this account."))
        chosen = _text(params, "assignee")
        agent = get_agent(account, chosen) if chosen else None
        if chosen and agent is None:
            raise InvalidParam("assignee", _("No agent with id %(id)s in this account.") % {"id": chosen})
        return {"department": department, "assignee": agent}
    if name in ("tag", "untag"):
        return {"tags": _tag_names(params)}
    if name == "priority":
        chosen = _text(params, "priority")
        if chosen not in PRIORITY_BY_NAME:
            raise InvalidParam("priority", _("Choose a priority: low, normal, high or urgent."))
        return {"priority": PRIORITY_BY_NAME[chosen]}
    if name == "merge":
        chosen = _text(params, "into")
        into = Ticket.objects.filter(account=account, public_id=chosen).first() if chosen else None
        if chosen and into is None:
            raise InvalidParam("into", _("No ticket with id %(id)s in this account.") % {"id": chosen})
        return {"into": into}
    return {}


def refuse_reason(name: str, ticket: Ticket) -> str:
    """Why this ticket is left alone ("" when the action may change it)."""
    if ticket.merged_into_id:
        return _("Ticket #%(code)s was merged into another ticket; change that one instead.") % {"code": ticket.code}
    if OPERATIONS[name].changes_status and ticket.status in LIVE:
        return _("Ticket #%(code)s is a live chat or call; wait until it has ended.") % {"code": ticket.code}
    return ""


def _assign(ticket, prepared, actor) -> None:
    conversations.assign_ticket(ticket=ticket, assignee=prepared["assignee"], actor=actor)


def _transfer(ticket, prepared, actor) -> None:
    conversations.transfer_ticket(
        ticket=ticket, department=prepared["department"], assignee=prepared["assignee"], actor=actor
    )


def _tag(ticket, prepared, actor) -> None:
    conversations.tag_ticket(ticket=ticket, names=prepared["tags"], actor=actor)


def _untag(ticket, prepared, actor) -> None:
    conversations.untag_ticket(ticket=ticket, names=prepared["tags"], actor=actor)


def _priority(ticket, prepared, actor) -> None:
    conversations.change_priority(ticket=ticket, priority=prepared["priority"], actor=actor)


# The status actions (STATUS_OF) are batched per chunk by helpline.bulk.actions.statuses instead.
PER_TICKET: dict[str, Callable[[Ticket, dict, Actor], None]] = {
    "assign": _assign,
    "transfer": _transfer,
    "tag": _tag,
    "untag": _untag,
    "priority": _priority,
}
