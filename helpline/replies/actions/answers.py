"""Predefined answers: create, change, delete, their files, and sending one (reply + follow-up changes)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.actions import change_status, send_reply, tag_ticket
from helpline.conversations.actions.attachments import MAX_ATTACHMENT
from helpline.conversations.statuses import SETTABLE_STATUSES
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.core.ids import new_public_id
from helpline.replies.actions.fields import clean_body, clean_name, clean_scope
from helpline.replies.models import AnswerAttachment, PredefinedAnswer, Scope
from helpline.replies.placeholders import known_names, render_text, values_for
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit

MAX_TAGS = 20
MAX_FILES_BYTES = 25 * 1024 * 1024  # what one reply may carry


def clean_status(status: str) -> str:
    status = (status or "").strip()
    if status and status not in SETTABLE_STATUSES:
        raise DomainError(_("Unknown status %(status)s.") % {"status": status})
    return status


def clean_tags(names: list[str]) -> list[str]:
    tags: list[str] = []
    for name in names or ():
        name = (name or "").strip()
        if not name:
            continue
        if len(name) > 64 or "\x00" in name:
            raise DomainError(_("A tag name has at most 64 characters."))
        if name.lower() not in {t.lower() for t in tags}:
            tags.append(name)
    if len(tags) > MAX_TAGS:
        raise DomainError(_("At most %(max)d tags.") % {"max": MAX_TAGS})
    return tags


@transaction.atomic
def create_predefined_answer(
    *,
    account,
    name: str,
    body: str,
    actor: Actor,
    scope: str = Scope.SHARED,
    owner=None,
    department=None,
    set_status: str = "",
    add_tags: list[str] | None = None,
) -> PredefinedAnswer:
    ensure_within_limit(account, "predefined_answers")
    owner, department = clean_scope(account=account, scope=scope, owner=owner, department=department)
    answer = PredefinedAnswer.objects.create(
        account=account,
        name=clean_name(name),
        body=clean_body(account, body),
        scope=scope,
        owner=owner,
        department=department,
        set_status=clean_status(set_status),
        add_tags=clean_tags(add_tags or []),
    )
    audit.record(
        account=account, actor=actor, action="predefined_answer.created", subject=answer, data={"scope": scope}
    )
    return answer


@transaction.atomic
def update_predefined_answer(
    *,
    answer: PredefinedAnswer,
    name: str,
    body: str,
    scope: str,
    owner,
    department,
    set_status: str,
    add_tags: list[str],
    actor: Actor,
) -> PredefinedAnswer:
    """Replace every field (callers merge a partial change with the stored values first)."""
    account = answer.account
    answer.owner, answer.department = clean_scope(account=account, scope=scope, owner=owner, department=department)
    answer.name = clean_name(name)
    answer.body = clean_body(account, body)
    answer.scope = scope
    answer.set_status = clean_status(set_status)
    answer.add_tags = clean_tags(add_tags)
    answer.save()
    audit.record(
        account=account, actor=actor, action="predefined_answer.updated", subject=answer, data={"scope": scope}
    )
    return answer


def _forget_files(keys: list[str]) -> None:
    def remove():
        for key in keys:
            default_storage.delete(key)

    transaction.on_commit(remove)


@transaction.atomic
def delete_predefined_answer(*, answer: PredefinedAnswer, actor: Actor) -> None:
    keys = list(AnswerAttachment.objects.filter(answer=answer).values_list("storage_key", flat=True))
    audit.record(
        account=answer.account,
        actor=actor,
        action="predefined_answer.deleted",
        subject=answer,
        data={"name": answer.name, "scope": answer.scope},
    )
    answer.delete()
    _forget_files(keys)


@transaction.atomic
def add_answer_attachment(
    *, answer: PredefinedAnswer, name: str, content: bytes, content_type: str, actor: Actor
) -> AnswerAttachment:
    """Store a file of the answer under the account's prefix; the files of one answer fit in one reply."""
    from helpline.conversations.actions.attachments import _safe_name

    stored = sum(AnswerAttachment.objects.filter(answer=answer).values_list("size", flat=True))
    if len(content) > MAX_ATTACHMENT or stored + len(content) > MAX_FILES_BYTES:
        raise DomainError(
            _("The files of an answer may add up to %(mb)d MB.") % {"mb": MAX_FILES_BYTES // 1024 // 1024}
        )
    digest = hashlib.sha256(content).hexdigest()
    key = default_storage.save(f"answers/{answer.account_id}/{digest[:2]}/{new_public_id(20)}", ContentFile(content))
    attachment = AnswerAttachment.objects.create(
        account_id=answer.account_id,
        answer=answer,
        storage_key=key,
        name=_safe_name(name),
        content_type=(content_type or "application/octet-stream")[:127],
        size=len(content),
    )
    audit.record(
        account=answer.account,
        actor=actor,
        action="predefined_answer.file_added",
        subject=answer,
        data={"file": attachment.public_id, "name": attachment.name},
    )
    return attachment


@transaction.atomic
def remove_answer_attachment(*, attachment: AnswerAttachment, actor: Actor) -> None:
    answer = attachment.answer
    audit.record(
        account=answer.account,
        actor=actor,
        action="predefined_answer.file_removed",
        subject=answer,
        data={"file": attachment.public_id, "name": attachment.name},
    )
    attachment.delete()
    _forget_files([attachment.storage_key])


def _files_of(answer: PredefinedAnswer) -> list[tuple[str, bytes, str]]:
    files = []
    for attachment in answer.attachments.all():
        with default_storage.open(attachment.storage_key, "rb") as handle:
            files.append((attachment.name, handle.read(), attachment.content_type))
    return files


@transaction.atomic
def send_predefined_answer(
    *,
    ticket,
    answer: PredefinedAnswer,
    author,
    actor: Actor | None = None,
    text: str = "",
    html_body: str = "",
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
):
    """Reply with the answer: ``text`` as the agent edited it (the answer rendered for the ticket when empty),
    the answer's files and any uploaded ``attachments``; then its follow-ups (status, tags), all or nothing."""
    if answer.account_id != ticket.account_id:
        raise DomainError(_("That predefined answer is not available."))
    actor = actor or Actor(user=author)
    if not (text or "").strip():
        known = known_names(ticket.account)
        text = render_text(answer.body, values_for(ticket=ticket, agent=author), known=known)
        html_body = ""  # the answer as rendered, not an empty editor's markup
    message = send_reply(
        ticket=ticket,
        author=author,
        text=text,
        html_body=html_body,
        actor=actor,
        to=to,
        cc=cc,
        bcc=bcc,
        attachments=[*_files_of(answer), *(attachments or [])],
    )
    if answer.set_status:
        change_status(ticket=ticket, status=answer.set_status, actor=actor)
    if answer.add_tags:
        tag_ticket(ticket=ticket, names=list(answer.add_tags), actor=actor)
    audit.record(
        account=ticket.account,
        actor=actor,
        action="predefined_answer.sent",
        subject=ticket,
        data={
            "answer": answer.public_id,
            "message": message.public_id,
            "status": answer.set_status,
            "tags": list(answer.add_tags),
        },
    )
    return message
