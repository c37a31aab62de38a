"""Attachments: content-addressed files under the account's prefix, served only through an authorised view."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.models import Attachment, Message
from helpline.core.errors import DomainError
from helpline.core.ids import new_public_id

MAX_ATTACHMENT = 50 * 1024 * 1024


def _safe_name(name: str) -> str:
    name = PurePosixPath((name or "").replace("\\", "/")).name.strip().replace("\x00", "")
    return name[:255] or "attachment"


@transaction.atomic
def store_attachment(*, message: Message, name: str, content: bytes, content_type: str = "") -> Attachment:
    if len(content) > MAX_ATTACHMENT:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_ATTACHMENT // 1024 // 1024})
    digest = hashlib.sha256(content).hexdigest()
    key = f"attachments/{message.account_id}/{digest[:2]}/{new_public_id(20)}"
    stored_key = default_storage.save(key, ContentFile(content))
    return Attachment.objects.create(
        account_id=message.account_id,
        message=message,
        storage_key=stored_key,
        name=_safe_name(name),
        content_type=(content_type or "application/octet-stream")[:127],
        size=len(content),
        sha256=digest,
    )
