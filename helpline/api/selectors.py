"""Read-only, account-scoped lookups the core selectors do not offer yet (see docs/api.md, "Core follow-ups").

Each takes the account first and never returns another account's rows.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from helpline.api.errors import FieldError
from helpline.conversations import access
from helpline.conversations.models import Attachment, Message, Tag
from helpline.conversations.selectors import TicketFilter
from helpline.core.errors import NotFound
from helpline.filters.params import FIELD_PREFIX, FILTER_KEYS, FilterError, filter_values, parse_filter
from helpline.tenancy import selectors as tenancy
from helpline.tenancy.models import Membership

_PUBLIC_ID = re.compile(r"[0-9a-z]{1,16}")


def looks_like_id(value: str | None) -> bool:
    return bool(value) and _PUBLIC_ID.fullmatch(value) is not None


def access_ticket(account, public_id: str, *, membership=None):
    """The account's ticket with this public id (related rows loaded), or a 404 (also when ``membership`` may not
    see it, see conversations.visibility)."""
    return access.access_ticket(account, public_id if looks_like_id(public_id) else "", membership=membership)


def list_members(account) -> list[Membership]:
    return list(
        Membership.objects.filter(account=account, is_active=True)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def access_member(account, public_id: str) -> Membership:
    member = None
    if looks_like_id(public_id):
        member = (
            Membership.objects.filter(account=account, is_active=True, user__public_id=public_id)
            .select_related("user")
            .first()
        )
    if member is None:
        raise NotFound(_("No such agent."))
    return member


def access_department(account, public_id: str):
    department = tenancy.get_department(account, public_id) if looks_like_id(public_id) else None
    if department is None:
        raise NotFound(_("No such department."))
    return department


def department_for_field(account, field: str, public_id: str | None, *, location: str = "body"):
    """The department named by an input field; None stays None; an unknown id is a 400 naming the field."""
    if public_id is None:
        return None
    department = tenancy.get_department(account, public_id) if looks_like_id(public_id) else None
    if department is None:
        raise FieldError(
            field, _("No department with id %(id)s in this account.") % {"id": public_id}, location=location
        )
    return department


def agent_for_field(account, field: str, public_id: str | None, *, location: str = "body"):
    if public_id is None:
        return None
    agent = tenancy.get_agent(account, public_id) if looks_like_id(public_id) else None
    if agent is None:
        raise FieldError(field, _("No agent with id %(id)s in this account.") % {"id": public_id}, location=location)
    return agent


def message_of_ticket_for_field(ticket, field: str, public_id: str) -> Message:
    """A message of this ticket named by an input field; any other id is a 400 naming the field."""
    message = None
    if looks_like_id(public_id):
        message = Message.objects.filter(account_id=ticket.account_id, ticket=ticket, public_id=public_id).first()
    if message is None:
        raise FieldError(field, _("No message with id %(id)s in this ticket.") % {"id": public_id})
    return message


def ticket_filter(account, query, params=None) -> TicketFilter | None:
    """The inbox filter (helpline.filters.params, shared with the inbox) for the list's query parameters:
    the schema's, and ``cf.<key>`` ones from ``params``. None when it can match nothing (an unknown tag);
    any other unknown or malformed value is a 400 naming its parameter."""
    values = {key: str(value) for key, value in query.model_dump().items() if key in FILTER_KEYS and value is not None}
    if params is not None:
        values.update({key: value for key, value in filter_values(params).items() if key.startswith(FIELD_PREFIX)})
    try:
        return parse_filter(filter_values(values), account=account)
    except FilterError as exc:
        if exc.field == "tag":
            return None
        raise FieldError(exc.field, exc.message, location="query") from exc


def list_tags(account, *, after_name: str | None = None, limit: int = 100) -> list[Tag]:
    qs = Tag.objects.filter(account=account)
    if after_name is not None:
        qs = qs.filter(name__gt=after_name)
    return list(qs.order_by("name")[:limit])


def list_messages(ticket, *, after_id: int | None = None, limit: int = 100) -> list[Message]:
    """A page of the thread, oldest first, internal notes included (API keys act for the team)."""
    qs = Message.objects.filter(ticket=ticket).select_related("author_user", "author_contact")
    if after_id:
        qs = qs.filter(pk__gt=after_id)
    qs = qs.prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
    return list(qs.order_by("id")[:limit])


def message_detail(message: Message) -> Message:
    return (
        Message.objects.filter(pk=message.pk)
        .select_related("author_user", "author_contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .get()
    )
