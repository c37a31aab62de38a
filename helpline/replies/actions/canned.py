"""Canned messages: create, change, delete. The count per account is a plan limit."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.replies.actions.fields import clean_body, clean_name, clean_scope
from helpline.replies.models import CannedMessage, Scope
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit

SHORTCUT = re.compile(r"[\w-]{1,32}")


def clean_shortcut(shortcut: str) -> str:
    """ "/Refund " → "refund"; letters, digits, "_" and "-" only."""
    shortcut = (shortcut or "").strip().lstrip("/").lower()
    if shortcut and not SHORTCUT.fullmatch(shortcut):
        raise DomainError(_("A shortcut is one word of at most 32 letters, digits, '-' or '_', such as /refund."))
    return shortcut


@transaction.atomic
def create_canned_message(
    *,
    account,
    name: str,
    body: str,
    actor: Actor,
    shortcut: str = "",
    scope: str = Scope.SHARED,
    owner=None,
    department=None,
) -> CannedMessage:
    ensure_within_limit(account, "canned_messages")
    owner, department = clean_scope(account=account, scope=scope, owner=owner, department=department)
    item = CannedMessage.objects.create(
        account=account,
        name=clean_name(name),
        body=clean_body(account, body),
        shortcut=clean_shortcut(shortcut),
        scope=scope,
        owner=owner,
        department=department,
    )
    audit.record(account=account, actor=actor, action="canned_message.created", subject=item, data={"scope": scope})
    return item


@transaction.atomic
def update_canned_message(
    *, message: CannedMessage, name: str, body: str, shortcut: str, scope: str, owner, department, actor: Actor
) -> CannedMessage:
    """Replace every field (callers merge a partial change with the stored values first)."""
    account = message.account
    message.owner, message.department = clean_scope(account=account, scope=scope, owner=owner, department=department)
    message.name = clean_name(name)
    message.body = clean_body(account, body)
    message.shortcut = clean_shortcut(shortcut)
    message.scope = scope
    message.save()
    audit.record(account=account, actor=actor, action="canned_message.updated", subject=message, data={"scope": scope})
    return message


@transaction.atomic
def delete_canned_message(*, message: CannedMessage, actor: Actor) -> None:
    audit.record(
        account=message.account,
        actor=actor,
        action="canned_message.deleted",
        subject=message,
        data={"name": message.name, "scope": message.scope},
    )
    message.delete()
