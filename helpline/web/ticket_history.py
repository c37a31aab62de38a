"""The ticket's history: its audit trail, newest first, as translated sentences ("Ada changed the status…").

Two queries whatever the number of entries: one for a page of audit rows (with their actors), one ``UNION``
for the names the rows refer to by id (agents of assignments, departments of transfers, custom field labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpline.conversations.models import CustomField
from helpline.conversations.statuses import MessageKind, Priority, Status
from helpline.security.models import AuditEntry
from helpline.tenancy.models import Department, User

PAGE_SIZE = 50
USER, DEPARTMENT, FIELD = "user", "department", "field"


@dataclass(frozen=True)
class HistoryItem:
    action: str
    sentence: str
    at: datetime


@dataclass(frozen=True)
class HistoryPage:
    items: list[HistoryItem]
    page: int
    has_next: bool


def _actor(entry: AuditEntry) -> str:
    if entry.actor_user_id and entry.actor_user is not None:
        return entry.actor_user.display_name
    if entry.actor_api_key_id and entry.actor_api_key is not None:
        return _("API key %(name)s") % {"name": entry.actor_api_key.name}
    return _("Helpline")


def _references(entries: list[AuditEntry]) -> dict[str, set]:
    refs = {USER: set(), DEPARTMENT: set(), FIELD: set()}
    for entry in entries:
        data = entry.data or {}
        kind = {"ticket.assigned": USER, "ticket.transferred": DEPARTMENT}.get(entry.action)
        if kind:
            refs[kind].update(str(v) for v in (data.get("from"), data.get("to")) if v is not None)
        elif entry.action == "ticket.custom_field_set" and data.get("field"):
            refs[FIELD].add(str(data["field"]))
    return refs


def _names(account_id: int, refs: dict[str, set]) -> dict[tuple[str, str], str]:
    """{(kind, id or key): name} in one query (a UNION), or none when no row refers to anything."""
    columns = ("ref_kind", "ref_id", "ref_label")
    parts = []
    if refs[USER]:
        parts.append(
            User.objects.filter(pk__in=[int(v) for v in refs[USER] if v.isdigit()])
            .annotate(
                ref_kind=Value(USER, output_field=CharField()),
                ref_id=Cast("pk", CharField()),
                ref_label=Coalesce(NullIf("name", Value("")), "email", output_field=CharField()),
            )
            .order_by()
            .values_list(*columns)
        )
    if refs[DEPARTMENT]:
        parts.append(
            Department.objects.filter(account_id=account_id, pk__in=[int(v) for v in refs[DEPARTMENT] if v.isdigit()])
            .annotate(
                ref_kind=Value(DEPARTMENT, output_field=CharField()),
                ref_id=Cast("pk", CharField()),
                ref_label=Cast("name", CharField()),
            )
            .order_by()
            .values_list(*columns)
        )
    if refs[FIELD]:
        parts.append(
            CustomField.objects.filter(account_id=account_id, applies_to=CustomField.TICKET, key__in=refs[FIELD])
            .annotate(
                ref_kind=Value(FIELD, output_field=CharField()),
                ref_id=Cast("key", CharField()),
                ref_label=Cast("label", CharField()),
            )
            .order_by()
            .values_list(*columns)
        )
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(kind, ref): label for kind, ref, label in query}


def _label(choices, value, fallback: str = "") -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return fallback or str(value)


def _value(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def sentence(entry: AuditEntry, names: dict[tuple[str, str], str]) -> str:  # noqa: C901, PLR0911, PLR0912 - one case per kind
    """The entry as one translated sentence."""
    data = entry.data or {}
    who = {"actor": _actor(entry)}
    action = entry.action

    def name(kind: str, ref, missing: str) -> str:
        return names.get((kind, str(ref)), missing)

    if action == "ticket.created":
        return _("%(actor)s created the ticket") % who
    if action == "message.received":
        kind = _label(MessageKind, data.get("kind", ""), _("message"))
        return _("%(actor)s received a message (%(kind)s)") % {**who, "kind": kind}
    if action == "reply.queued":
        if data.get("forward_of"):
            return _("%(actor)s forwarded a message") % who
        if data.get("automatic"):
            return _("%(actor)s sent an automatic reply") % who
        return _("%(actor)s replied") % who
    if action == "reply.retried":
        return _("%(actor)s retried sending a reply") % who
    if action == "note.added":
        return _("%(actor)s added a note") % who
    if action == "predefined_answer.sent":
        return _("%(actor)s sent a predefined answer") % who
    if action == "ticket.status_changed":
        values = {"from": _label(Status, data.get("from")), "to": _label(Status, data.get("to"))}
        return _("%(actor)s changed the status from %(from)s to %(to)s") % {**who, **values}
    if action == "ticket.priority_changed":
        values = {"from": _label(Priority, data.get("from")), "to": _label(Priority, data.get("to"))}
        return _("%(actor)s changed the priority from %(from)s to %(to)s") % {**who, **values}
    if action == "ticket.assigned":
        before, after = data.get("from"), data.get("to")
        gone = _("a removed agent")
        if before is None:
            return _("%(actor)s assigned the ticket to %(to)s") % {**who, "to": name(USER, after, gone)}
        if after is None:
            return _("%(actor)s unassigned the ticket from %(from)s") % {**who, "from": name(USER, before, gone)}
        values = {"from": name(USER, before, gone), "to": name(USER, after, gone)}
        return _("%(actor)s reassigned the ticket from %(from)s to %(to)s") % {**who, **values}
    if action == "ticket.transferred":
        gone, none = _("a removed department"), _("no department")
        before, after = data.get("from"), data.get("to")
        values = {
            "from": none if before is None else name(DEPARTMENT, before, gone),
            "to": none if after is None else name(DEPARTMENT, after, gone),
        }
        return _("%(actor)s moved the ticket from %(from)s to %(to)s") % {**who, **values}
    if action in ("ticket.tagged", "ticket.untagged"):
        tags = [str(t) for t in data.get("tags") or []]
        values = {**who, "tags": ", ".join(tags)}
        if action == "ticket.tagged":
            return ngettext("%(actor)s added the tag %(tags)s", "%(actor)s added the tags %(tags)s", len(tags)) % values
        return ngettext("%(actor)s removed the tag %(tags)s", "%(actor)s removed the tags %(tags)s", len(tags)) % values
    if action == "ticket.custom_field_set":
        field = name(FIELD, data.get("field", ""), str(data.get("field", "")))
        value = data.get("value")
        if value in (None, ""):
            return _("%(actor)s cleared %(field)s") % {**who, "field": field}
        return _("%(actor)s set %(field)s to %(value)s") % {**who, "field": field, "value": _value(value)}
    if action == "ticket.split":
        if data.get("from_ticket"):
            return _("%(actor)s split this ticket off ticket #%(code)s") % {**who, "code": data["from_ticket"]}
        return _("%(actor)s split messages off into ticket #%(code)s") % {**who, "code": data.get("to_ticket", "")}
    if action == "ticket.merged":
        if data.get("into"):
            return _("%(actor)s merged this ticket into ticket #%(code)s") % {**who, "code": data["into"]}
        codes = ", ".join(f"#{code}" for code in data.get("merged") or [])
        return _("%(actor)s merged %(codes)s into this ticket") % {**who, "codes": codes}
    if action == "chat.session_started":
        return _("The visitor started a chat")
    if action == "chat.session_accepted":
        return _("%(actor)s accepted the chat") % who
    if action == "chat.session_ended":
        if data.get("ended_by") == "visitor":
            return _("The visitor ended the chat")
        if data.get("reason") == "visitor_left":
            return _("The chat was withdrawn: the visitor left before an agent answered")
        return _("%(actor)s ended the chat") % who
    if action == "chat.rated":
        rating = {"good": _("good"), "bad": _("bad")}.get(data.get("rating"), str(data.get("rating", "")))
        return _("The visitor rated the chat %(rating)s") % {"rating": rating}
    return _("%(actor)s: %(action)s") % {**who, "action": action}


def ticket_history(ticket, *, page: int = 1) -> HistoryPage:
    """One page (PAGE_SIZE entries) of the ticket's history, newest first; only its own account's rows."""
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        AuditEntry.objects.filter(account_id=ticket.account_id, subject_type="ticket", subject_id=ticket.public_id)
        .select_related("actor_user", "actor_api_key")
        .order_by("-id")[start : start + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    names = _names(ticket.account_id, _references(rows))
    items = [HistoryItem(action=row.action, sentence=sentence(row, names), at=row.created_at) for row in rows]
    return HistoryPage(items=items, page=page, has_next=has_next)
